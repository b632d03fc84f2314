/**
 * Every error vaultcheck raises on purpose is a VaultcheckError. The `kind` tells a caller (the CLI
 * above all) which exit code and wording apply:
 *  - 'usage'    the user's input is at fault (config, option, source, contract): exit 2;
 *  - 'harness'  vaultcheck itself is broken: exit 3, printed as a bug in vaultcheck.
 * A vault that breaks a promise is not an error at all: it is a failed property (exit 1).
 */
export type ErrorKind = 'usage' | 'harness'

export type VaultcheckErrorOptions = {
  /** Extra lines printed under the short message (diagnostics, candidates, values at fault). */
  details?: readonly string[]
  cause?: unknown
}

export class VaultcheckError extends Error {
  override name = 'VaultcheckError'
  readonly kind: ErrorKind = 'usage'
  readonly shortMessage: string
  readonly details: readonly string[]

  constructor(shortMessage: string, options: VaultcheckErrorOptions = {}) {
    const details = options.details ?? []
    super([shortMessage, ...details.map((d) => `  ${d}`)].join('\n'), { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = details
  }
}

/** One solc diagnostic, already positioned as `file:line:col`. */
export type Diagnostic = {
  severity: 'error' | 'warning' | 'info'
  file?: string
  line?: number
  column?: number
  message: string
  /** solc's error type (ParserError, TypeError, DeclarationError...). */
  type?: string
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 0}:${d.column ?? 0}: ` : ''
  return `${where}${d.type ? `${d.type}: ` : ''}${d.message}`
}

export class CompileError extends VaultcheckError {
  override name = 'CompileError'
  readonly diagnostics: readonly Diagnostic[]
  constructor(diagnostics: readonly Diagnostic[], options: { cause?: unknown } = {}) {
    const n = diagnostics.length
    super(`Solidity compilation failed with ${n} error${n === 1 ? '' : 's'}`, {
      details: diagnostics.map(formatDiagnostic),
      cause: options.cause,
    })
    this.diagnostics = diagnostics
  }
}

export class ImportNotFoundError extends VaultcheckError {
  override name = 'ImportNotFoundError'
  readonly importPath: string
  readonly importer: string
  constructor(params: { importPath: string; importer: string; searched: readonly string[] }) {
    super(`Import "${params.importPath}" not found (imported by ${params.importer})`, {
      details: params.searched.length ? ['searched:', ...params.searched.map((s) => `  ${s}`)] : [],
    })
    this.importPath = params.importPath
    this.importer = params.importer
  }
}

export class SourceNotFoundError extends VaultcheckError {
  override name = 'SourceNotFoundError'
  readonly path: string
  constructor(path: string) {
    super(`Source file not found: ${path}`)
    this.path = path
  }
}

export class ContractNotFoundError extends VaultcheckError {
  override name = 'ContractNotFoundError'
  readonly contractName: string
  readonly available: readonly string[]
  constructor(params: { contractName: string; available: readonly string[]; where?: string }) {
    const where = params.where ? ` in ${params.where}` : ''
    super(`Contract "${params.contractName}" not found${where}`, {
      details: [
        params.available.length
          ? `contracts that exist: ${params.available.join(', ')}`
          : 'no contracts were compiled',
      ],
    })
    this.contractName = params.contractName
    this.available = params.available
  }
}

export class DeployError extends VaultcheckError {
  override name = 'DeployError'
  readonly contractName: string
  constructor(params: { contractName: string; reason: string; details?: readonly string[]; cause?: unknown }) {
    super(`Deploying ${params.contractName} failed: ${params.reason}`, {
      details: params.details,
      cause: params.cause,
    })
    this.contractName = params.contractName
  }
}

export class ConfigError extends VaultcheckError {
  override name = 'ConfigError'
  readonly issues: readonly { path: string; message: string }[]
  constructor(params: { file?: string; issues: readonly { path: string; message: string }[] }) {
    super(`Invalid configuration${params.file ? ` in ${params.file}` : ''}`, {
      details: params.issues.map((i) => `${i.path}: ${i.message}`),
    })
    this.issues = params.issues
  }
}

/**
 * A call returned bytes that do not decode as its ABI declares (too short, say). The contract
 * misbehaved, not vaultcheck: during a run it is a vault verdict (DIFF-002 for an action, VIEW-001
 * for a view).
 */
export class MalformedReturnError extends VaultcheckError {
  override name = 'MalformedReturnError'
  readonly functionName: string
  readonly address: string
  constructor(params: { functionName: string; address: string; data: string; cause?: unknown }) {
    const n = (params.data.length - 2) / 2
    const shown = params.data.length > 66 ? `${params.data.slice(0, 66)}...` : params.data
    super(`${params.functionName}() on ${params.address} returned ${n} bytes that do not decode as its ABI says (${shown})`, { cause: params.cause })
    this.functionName = params.functionName
    this.address = params.address
  }
}

/** An interface mismatch: the target lacks a function its kind requires, or returns the wrong shape. */
export class TargetShapeError extends VaultcheckError {
  override name = 'TargetShapeError'
}

/** vaultcheck itself misbehaved. Never used for a vault that breaks a promise. */
export class HarnessError extends VaultcheckError {
  override name = 'HarnessError'
  override readonly kind: ErrorKind = 'harness'
}

/** A read-only call (a view the harness needs to observe state) reverted. */
export class ReadRevertedError extends VaultcheckError {
  override name = 'ReadRevertedError'
  readonly functionName: string
  constructor(params: { functionName: string; address: string; reason: string }) {
    super(`Read ${params.functionName}() on ${params.address} reverted: ${params.reason}`)
    this.functionName = params.functionName
  }
}

/** No installed solc satisfies every `pragma solidity` of a compilation. */
export class CompilerVersionError extends VaultcheckError {
  override name = 'CompilerVersionError'
  readonly file: string
  readonly pragma: string
  constructor(params: { file: string; pragma: string; installed: readonly string[]; install?: string; subject?: string }) {
    super(params.subject ? `No installed solc matches ${params.pragma} (${params.subject})` : `No installed solc satisfies "pragma solidity ${params.pragma};" in ${params.file}`, {
      details: [
        `installed: ${params.installed.join(', ') || '(none)'}`,
        ...(params.install
          ? [`install one beside vaultcheck's bundled compiler: ${params.install}`]
          : ['no solc release satisfies every pragma of this compilation together; check the pragmas of the files it imports']),
      ],
    })
    this.file = params.file
    this.pragma = params.pragma
  }
}
