import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Hardfork } from '@ethereumjs/common'
import { afterEach, describe, expect, test } from 'vitest'
import { compile, compilerStats, compilerVersion, findImports, getArtifact } from '../evm/compile.ts'
import { CompileError, ContractNotFoundError, ImportNotFoundError, SourceNotFoundError } from '../evm/errors.ts'
import { DEFAULT_EVM_VERSION, toHardfork } from '../evm/evm-version.ts'

const NODE_MODULES = path.resolve('node_modules')

const tmpDirs: string[] = []
afterEach(() => {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh project directory holding the given files (path relative to it -> content). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-compile-'))
  tmpDirs.push(dir)
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content)
  return dir
}

function write(dir: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
  fs.writeFileSync(path.join(dir, rel), content)
}

const HEADER = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n'

const COUNTER = `${HEADER}
contract Counter {
    uint256 public count;
    address public owner;

    function increment(uint256 by) external returns (uint256) {
        count += by;
        return count;
    }
}
`

function catchError(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.fail('expected compile to throw'),
    (e: unknown) => e,
  )
}

describe('compile', () => {
  test('a simple contract compiles to an artifact with abi, bytecode, source maps and storage layout', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const out = await compile({ sources: ['contracts/Counter.sol'].map((p) => path.join(root, p)), root, cacheDir: false })

    expect(out.fromCache).toBe(false)
    expect(out.evmVersion).toBe(DEFAULT_EVM_VERSION)
    expect(out.compilerVersion).toMatch(/^0\.8\.37\+commit\./)
    expect(out.compilerVersion).toBe(compilerVersion())
    expect(out.warnings).toEqual([])

    const counter = getArtifact(out, 'Counter')
    expect(counter.fullyQualifiedName).toBe('contracts/Counter.sol:Counter')
    expect(counter.sourceName).toBe('contracts/Counter.sol')
    expect(counter.abi.map((item) => ('name' in item ? item.name : item.type)).sort()).toEqual([
      'count',
      'increment',
      'owner',
    ])
    expect(counter.bytecode).toMatch(/^0x[0-9a-f]{100,}$/)
    expect(counter.deployedBytecode).toMatch(/^0x[0-9a-f]{100,}$/)
    expect(counter.bytecode.length).toBeGreaterThan(counter.deployedBytecode.length)
    expect(counter.sourceMap).toMatch(/^\d+:\d+:\d+/)
    expect(counter.deployedSourceMap).toMatch(/^\d+:\d+:\d+/)
    expect(counter.compilerVersion).toBe(out.compilerVersion)
    const layout = counter.storageLayout as { storage: { label: string; slot: string }[] }
    expect(layout.storage.map((s) => [s.label, s.slot])).toEqual([
      ['count', '0'],
      ['owner', '1'],
    ])
    expect(out.sources['contracts/Counter.sol'].content).toBe(COUNTER)
    expect(out.sources['contracts/Counter.sol'].ast).toMatchObject({ nodeType: 'SourceUnit' })
  })

  test('a syntax or type error throws a CompileError listing file:line:col for every diagnostic', async () => {
    const root = project({
      'contracts/Broken.sol': `${HEADER}
contract Broken {
    function f() external pure returns (uint256) {
        uint256 a = "not a number";
        bool b = 7;
        return a;
    }
}
`,
      'contracts/Fine.sol': `${HEADER}\nimport "./Broken.sol";\ncontract Fine {}\n`,
    })
    const error = await catchError(() =>
      compile({ sources: [path.join(root, 'contracts/Fine.sol')], root, cacheDir: false }),
    )
    expect(error).toBeInstanceOf(CompileError)
    expect((error as CompileError).diagnostics.every((d) => d.severity === 'error')).toBe(true)
    expect((error as Error).message).toMatchInlineSnapshot(`
      "Solidity compilation failed with 2 errors
        contracts/Broken.sol:6:9: TypeError: Type literal_string "not a number" is not implicitly convertible to expected type uint256.
        contracts/Broken.sol:7:9: TypeError: Type int_const 7 is not implicitly convertible to expected type bool."
    `)
  })

  test('a parser error is reported at its position', async () => {
    const root = project({ 'Bad.sol': `${HEADER}contract Bad {\n  function f( {}\n}\n` })
    const error = await catchError(() => compile({ sources: [path.join(root, 'Bad.sol')], root, cacheDir: false }))
    expect(error).toBeInstanceOf(CompileError)
    expect((error as CompileError).diagnostics[0]).toMatchObject({ file: 'Bad.sol', line: 4, type: 'ParserError' })
  })

  test('columns count characters, not the UTF-8 bytes solc reports offsets in', async () => {
    const root = project({
      'Wide.sol': `${HEADER}contract Wide {\n  /* café ☕ */ function f() external { uint256 a = "x"; }\n}\n`,
    })
    const error = await catchError(() => compile({ sources: [path.join(root, 'Wide.sol')], root, cacheDir: false }))
    expect(error).toBeInstanceOf(CompileError)
    const line = '  /* café ☕ */ function f() external { uint256 a = "x"; }'
    expect((error as CompileError).diagnostics[0]).toMatchObject({
      file: 'Wide.sol',
      line: 4,
      column: line.indexOf('uint256') + 1,
    })
  })

  test('a missing source file throws SourceNotFoundError', async () => {
    const root = project({})
    const error = await catchError(() => compile({ sources: [path.join(root, 'Nope.sol')], root, cacheDir: false }))
    expect(error).toBeInstanceOf(SourceNotFoundError)
  })

  test('a missing import throws ImportNotFoundError naming the import and its importer', async () => {
    const root = project({
      'contracts/Vault.sol': `${HEADER}import {Gone} from "./lib/Gone.sol";\ncontract Vault {}\n`,
    })
    const error = await catchError(() =>
      compile({ sources: [path.join(root, 'contracts/Vault.sol')], root, cacheDir: false, includePaths: [] }),
    )
    expect(error).toBeInstanceOf(ImportNotFoundError)
    const e = error as ImportNotFoundError
    expect(e.importPath).toBe('./lib/Gone.sol')
    expect(e.importer).toBe('contracts/Vault.sol')
    expect(e.message).toContain('"./lib/Gone.sol"')
    expect(e.message).toContain('contracts/Vault.sol')
    expect(e.message).toContain(path.join(root, 'contracts/lib/Gone.sol'))
  })

  test('relative imports resolve against the importing file, including ../ and imports from imported files', async () => {
    const root = project({
      'src/vaults/Vault.sol': `${HEADER}import "../lib/Shares.sol" as S;\nimport {Fee} from '../lib/fees/Fee.sol';\ncontract Vault { function f() external pure returns (uint256) { return S.Shares.one() + Fee.bps(); } }\n`,
      'src/lib/Shares.sol': `${HEADER}import * as Fees from "./fees/Fee.sol";\nlibrary Shares { function one() internal pure returns (uint256) { return 1 + Fees.Fee.bps(); } }\n`,
      'src/lib/fees/Fee.sol': `${HEADER}library Fee { function bps() internal pure returns (uint256) { return 30; } }\n`,
    })
    const out = await compile({ sources: [path.join(root, 'src/vaults/Vault.sol')], root, cacheDir: false })
    expect(Object.keys(out.sources).sort()).toEqual(['src/lib/Shares.sol', 'src/lib/fees/Fee.sol', 'src/vaults/Vault.sol'])
    expect(getArtifact(out, 'Vault').bytecode).not.toBe('0x')
  })

  test('an OpenZeppelin package import compiles, and abstract contracts and interfaces keep empty bytecode', async () => {
    const root = project({
      'contracts/MyVault.sol': `${HEADER}
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract MyVault is ERC4626 {
    constructor(IERC20 asset_) ERC20("Vault", "vTKN") ERC4626(asset_) {}
}
`,
    })
    const out = await compile({
      sources: [path.join(root, 'contracts/MyVault.sol')],
      root,
      includePaths: [NODE_MODULES],
      cacheDir: false,
    })
    const vault = getArtifact(out, 'MyVault')
    expect(vault.bytecode.length).toBeGreaterThan(1000)
    expect(vault.abi.some((item) => 'name' in item && item.name === 'convertToShares')).toBe(true)
    // Package files are named by their import path, relative imports inside them included.
    expect(out.sources).toHaveProperty(['@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol'])
    expect(out.sources).toHaveProperty(['@openzeppelin/contracts/utils/math/Math.sol'])
    expect(getArtifact(out, 'ERC4626').bytecode).toBe('0x')
    expect(getArtifact(out, 'IERC4626').bytecode).toBe('0x')
    expect(getArtifact(out, 'IERC4626').deployedBytecode).toBe('0x')
  })

  test('remappings resolve to the same source units as the package path, so types are not duplicated', async () => {
    const root = project({
      'contracts/Token.sol': `${HEADER}
import {IERC20} from "@oz/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Helper} from "mylib/Helper.sol";

contract Token is ERC20 {
    constructor() ERC20("T", "T") {}
    // Only compiles if both imports of IERC20 name the same source unit.
    function self() external view returns (IERC20) { return this; }
    function h() external pure returns (uint256) { return Helper.two(); }
}
`,
      'vendor/my-lib/src/Helper.sol': `${HEADER}library Helper { function two() internal pure returns (uint256) { return 2; } }\n`,
    })
    // The brief's style: targets relative to root, reaching the project's node_modules.
    fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'), 'dir')
    const out = await compile({
      sources: [path.join(root, 'contracts/Token.sol')],
      root,
      remappings: ['@oz/=node_modules/@openzeppelin/contracts/', 'mylib/=vendor/my-lib/src/'],
      cacheDir: false,
    })
    expect(getArtifact(out, 'Token').bytecode).not.toBe('0x')
    expect(Object.keys(out.sources).sort()).toEqual([
      '@openzeppelin/contracts/interfaces/draft-IERC6093.sol',
      '@openzeppelin/contracts/token/ERC20/ERC20.sol',
      '@openzeppelin/contracts/token/ERC20/IERC20.sol',
      '@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol',
      '@openzeppelin/contracts/utils/Context.sol',
      'contracts/Token.sol',
      'vendor/my-lib/src/Helper.sol',
    ])
  })

  test('the longest remapping prefix wins', async () => {
    const root = project({
      'Main.sol': `${HEADER}import {Which} from "lib/x/Which.sol";\ncontract Main { function w() external pure returns (uint256) { return Which.id(); } }\n`,
      'short/x/Which.sol': `${HEADER}library Which { function id() internal pure returns (uint256) { return 1; } }\n`,
      'long/Which.sol': `${HEADER}library Which { function id() internal pure returns (uint256) { return 2; } }\n`,
    })
    const out = await compile({
      sources: [path.join(root, 'Main.sol')],
      root,
      remappings: ['lib/=short/', 'lib/x/=long/'],
      cacheDir: false,
    })
    expect(Object.keys(out.sources).sort()).toEqual(['Main.sol', 'long/Which.sol'])
  })

  test('a second compile of unchanged sources is a cache hit that never invokes solc', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const params = { sources: [path.join(root, 'contracts/Counter.sol')], root }
    const first = await compile(params)
    expect(first.fromCache).toBe(false)
    const cacheDir = path.join(root, '.vaultcheck', 'cache')
    expect(fs.readdirSync(cacheDir)).toEqual([`${first.settingsHash}.json`]) // no temp files left behind

    const invocations = compilerStats.solcInvocations
    const second = await compile(params)
    expect(compilerStats.solcInvocations).toBe(invocations)
    expect(second.fromCache).toBe(true)
    expect(second.settingsHash).toBe(first.settingsHash)
    expect(second.artifacts).toEqual(first.artifacts)
    expect(second.sources).toEqual(first.sources)
  })

  test('a changed source misses the cache', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const params = { sources: [path.join(root, 'contracts/Counter.sol')], root }
    const first = await compile(params)

    write(root, 'contracts/Counter.sol', COUNTER.replace('count += by;', 'count += by * 2;'))
    const invocations = compilerStats.solcInvocations
    const second = await compile(params)
    expect(second.fromCache).toBe(false)
    expect(compilerStats.solcInvocations).toBe(invocations + 1)
    expect(second.settingsHash).not.toBe(first.settingsHash)
    expect(getArtifact(second, 'Counter').deployedBytecode).not.toBe(getArtifact(first, 'Counter').deployedBytecode)
  })

  test('a changed imported file misses the cache too', async () => {
    const root = project({
      'A.sol': `${HEADER}import "./B.sol";\ncontract A is B {}\n`,
      'B.sol': `${HEADER}contract B { uint256 public x = 1; }\n`,
    })
    const params = { sources: [path.join(root, 'A.sol')], root }
    const first = await compile(params)
    write(root, 'B.sol', `${HEADER}contract B { uint256 public x = 2; }\n`)
    const second = await compile(params)
    expect(second.fromCache).toBe(false)
    expect(second.settingsHash).not.toBe(first.settingsHash)
  })

  test('optimizer and EVM version settings change the cache key', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const base = { sources: [path.join(root, 'contracts/Counter.sol')], root }
    const optimized = await compile(base)
    const unoptimized = await compile({ ...base, optimizer: { enabled: false, runs: 200 } })
    const moreRuns = await compile({ ...base, optimizer: { enabled: true, runs: 10_000 } })
    const cancun = await compile({ ...base, evmVersion: 'cancun' })
    for (const out of [unoptimized, moreRuns, cancun]) expect(out.fromCache).toBe(false)
    const keys = new Set([optimized, unoptimized, moreRuns, cancun].map((o) => o.settingsHash))
    expect(keys.size).toBe(4)
    expect(getArtifact(cancun, 'Counter').evmVersion).toBe('cancun')
    expect(unoptimized.artifacts[0].deployedBytecode).not.toBe(optimized.artifacts[0].deployedBytecode)
  })

  test('a corrupt cache entry is ignored, recompiled and replaced', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const params = { sources: [path.join(root, 'contracts/Counter.sol')], root }
    const first = await compile(params)
    const entry = path.join(root, '.vaultcheck', 'cache', `${first.settingsHash}.json`)

    fs.writeFileSync(entry, '{"settingsHash": "trunc')
    const invocations = compilerStats.solcInvocations
    const second = await compile(params)
    expect(second.fromCache).toBe(false)
    expect(compilerStats.solcInvocations).toBe(invocations + 1)
    expect(second.artifacts).toEqual(first.artifacts)

    const third = await compile(params)
    expect(third.fromCache).toBe(true)
  })

  test('a cache entry of the wrong shape is ignored', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER })
    const params = { sources: [path.join(root, 'contracts/Counter.sol')], root }
    const first = await compile(params)
    fs.writeFileSync(path.join(root, '.vaultcheck', 'cache', `${first.settingsHash}.json`), '[1, 2, 3]')
    const second = await compile(params)
    expect(second.fromCache).toBe(false)
    expect(getArtifact(second, 'Counter').bytecode).toBe(getArtifact(first, 'Counter').bytecode)
  })
})

describe('getArtifact', () => {
  test('an unknown name throws ContractNotFoundError listing the contracts that exist', async () => {
    const root = project({ 'contracts/Counter.sol': COUNTER, 'contracts/Other.sol': `${HEADER}contract Other {}\n` })
    const out = await compile({
      sources: ['contracts/Counter.sol', 'contracts/Other.sol'].map((p) => path.join(root, p)),
      root,
      cacheDir: false,
    })
    expect(() => getArtifact(out, 'Vault')).toThrow(ContractNotFoundError)
    expect(() => getArtifact(out, 'Vault')).toThrowErrorMatchingInlineSnapshot(`
      [ContractNotFoundError: Contract "Vault" not found
        contracts that exist: contracts/Counter.sol:Counter, contracts/Other.sol:Other]
    `)
    expect(getArtifact(out, 'contracts/Other.sol:Other').name).toBe('Other')
    expect(() => getArtifact(out, 'contracts/Counter.sol:Other')).toThrow(ContractNotFoundError)
  })

  test('a bare name declared in several files throws, listing the fully qualified candidates', async () => {
    const root = project({
      'a/Token.sol': `${HEADER}contract Token { uint256 a; }\n`,
      'b/Token.sol': `${HEADER}contract Token { uint256 b; }\n`,
    })
    const out = await compile({
      sources: ['a/Token.sol', 'b/Token.sol'].map((p) => path.join(root, p)),
      root,
      cacheDir: false,
    })
    const error = (() => {
      try {
        getArtifact(out, 'Token')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ContractNotFoundError)
    expect((error as ContractNotFoundError).available).toEqual(['a/Token.sol:Token', 'b/Token.sol:Token'])
    expect(getArtifact(out, 'b/Token.sol:Token').sourceName).toBe('b/Token.sol')
  })
})

describe('findImports', () => {
  test('every import form is found and commented-out imports are not', () => {
    const source = `
      import "./a.sol";
      import './b.sol' as B;
      import * as C from "./c.sol";
      import {X, Y as Z} from "@pkg/d.sol";
      import {
        Multi,
        Line
      } from "../e.sol";
      // import "./commented.sol";
      /* import "./block.sol";
         import "./block2.sol"; */
      string constant url = "http://x/*not a comment*/";
      import "./after-string.sol";
      contract reimport {}
    `
    expect(findImports(source)).toEqual(['./a.sol', './b.sol', './c.sol', '@pkg/d.sol', '../e.sol', './after-string.sol'])
  })
})

describe('evm version', () => {
  test('each EVM version maps to the matching @ethereumjs/common hardfork', () => {
    expect(toHardfork('cancun')).toBe(Hardfork.Cancun)
    expect(toHardfork('prague')).toBe(Hardfork.Prague)
    expect(toHardfork('osaka')).toBe(Hardfork.Osaka)
    expect(toHardfork(DEFAULT_EVM_VERSION)).toBe(Hardfork.Osaka)
  })
})
