import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { compile } from '../evm/compile.ts'
import { applyMutant, generateMutants, literalValue, runMutation, type Mutant } from '../audit/mutate/index.ts'
import { EQUIVALENT_MUTANTS, equivalenceOf } from '../audit/mutate/equivalent.ts'
import { scoreMutants } from '../audit/mutate/score.ts'
import type { MutantResult } from '../audit/mutate/types.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'mutate')

function vaultcheck(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('mutant generation from the solc AST', () => {
  let mutants: Mutant[]
  let content: string
  beforeAll(async () => {
    const out = await compile({ sources: [path.join(FIXTURES, 'Small.sol')], root: FIXTURES, cacheDir: false })
    content = out.sources['Small.sol'].content
    mutants = generateMutants({ file: 'Small.sol', content, ast: out.sources['Small.sol'].ast })
  }, 60_000)

  const at = (line: number, operator: string) => mutants.filter((m) => m.line === line && m.operator === operator).map((m) => m.change)

  test('comparisons flip at the boundary and in direction', () => {
    expect(at(17, 'comparison')).toEqual([
      '- require(amount < 1000, "cap");\n+ require(amount <= 1000, "cap");',
      '- require(amount < 1000, "cap");\n+ require(amount > 1000, "cap");',
    ])
    expect(at(24, 'comparison')).toEqual([
      '- if (amount > balanceOf[msg.sender]) revert TooMuch(amount, total);\n+ if (amount < balanceOf[msg.sender]) revert TooMuch(amount, total);',
      '- if (amount > balanceOf[msg.sender]) revert TooMuch(amount, total);\n+ if (amount >= balanceOf[msg.sender]) revert TooMuch(amount, total);',
    ])
  })

  test('number literals move by one', () => {
    expect(at(17, 'literal').sort()).toEqual(['- require(amount < 1000, "cap");\n+ require(amount < 1001, "cap");', '- require(amount < 1000, "cap");\n+ require(amount < 999, "cap");'].sort())
    expect(literalValue('1.5e18')).toBe(1_500_000_000_000_000_000n)
    expect(literalValue('0x10')).toBe(16n)
    expect(literalValue('0.5')).toBeUndefined()
  })

  test('arithmetic operators swap', () => {
    expect(at(19, 'arithmetic')).toEqual(['- total = total + amount;\n+ total = total - amount;'])
    expect(at(30, 'arithmetic')).toEqual(['- return Math.mulDivDown(a, 3, b) * 2;\n+ return Math.mulDivDown(a, 3, b) / 2;'])
  })

  test('require and if-revert guards are dropped', () => {
    expect(at(17, 'drop-require')).toEqual(['- require(amount < 1000, "cap");\n+ /* removed */'])
    expect(at(24, 'drop-if-revert')).toEqual(['- if (amount > balanceOf[msg.sender]) revert TooMuch(amount, total);\n+ /* removed */'])
  })

  test('assignments and calls are deleted, emits never', () => {
    expect(at(18, 'delete-assignment')).toEqual(['- balanceOf[msg.sender] += amount;\n+ /* removed */'])
    expect(at(19, 'delete-assignment')).toEqual(['- total = total + amount;\n+ /* removed */'])
    expect(at(25, 'delete-assignment')).toEqual(['- balanceOf[msg.sender] -= amount;\n+ /* removed */'])
    expect(at(26, 'delete-call')).toEqual(['- _note(msg.sender, amount);\n+ /* removed */'])
    expect(mutants.filter((m) => m.line === 20)).toEqual([])
  })

  test('rounding direction flips in callee names and Rounding arguments', () => {
    expect(at(30, 'rounding')).toEqual(['- return Math.mulDivDown(a, 3, b) * 2;\n+ return Math.mulDivUp(a, 3, b) * 2;'])
    expect(at(34, 'rounding')).toEqual(['- return Math.conv(a, Rounding.Down);\n+ return Math.conv(a, Rounding.Up);'])
  })

  test('two identifier arguments of the same type swap; mixed types and revert arguments do not', () => {
    expect(at(38, 'swap-args')).toEqual(['- return _sub(x, y);\n+ return _sub(y, x);'])
    expect(mutants.filter((m) => m.operator === 'swap-args')).toHaveLength(1)
  })

  test('only function bodies of the file itself: no constants, no imported library', () => {
    expect(new Set(mutants.map((m) => m.file))).toEqual(new Set(['Small.sol']))
    expect(mutants.filter((m) => m.line < 17)).toEqual([])
    expect(mutants.every((m) => m.function.startsWith('Small.'))).toBe(true)
  })

  test('positions, keys and application are exact', () => {
    const m = mutants.find((x) => x.operator === 'comparison' && x.line === 17 && x.replacement.includes('<='))!
    expect(m).toMatchObject({ column: 17, function: 'Small.put', original: 'amount < 1000', replacement: 'amount <= 1000', key: 'Small.sol:Small.put:amount < 1000 => amount <= 1000' })
    const mutated = applyMutant(content, m)
    expect(mutated.split('\n')[16]).toBe('        require(amount <= 1000, "cap");')
    expect(mutated.length).toBe(content.length + 1)
    expect(new Set(mutants.map((x) => x.id)).size).toBe(mutants.length)
  })
})

describe('running mutants', () => {
  test('a mutant that does not compile is discarded and counted as invalid', async () => {
    // A copy of the reserve reference vault with a helper named ...Down whose ...Up twin does not exist.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-mutate-'))
    fs.cpSync(path.join(ROOT, 'contracts', 'lib'), path.join(dir, 'contracts', 'lib'), { recursive: true })
    const src = fs
      .readFileSync(path.join(ROOT, 'contracts', 'ReserveVault.sol'), 'utf8')
      .replace('_mint(account, value);', '_mint(account, _roundDown(value));')
      .replace(/\}\s*$/, '    function _roundDown(uint256 x) internal pure returns (uint256) {\n        return x;\n    }\n}\n')
    fs.writeFileSync(path.join(dir, 'contracts', 'ReserveVault.sol'), src)
    const r = await runMutation({ kind: 'reserve', source: 'contracts/ReserveVault.sol', contract: 'ReserveVault', root: dir, operators: ['rounding'], runs: 2, workers: 1 })
    // Nothing was judged: the score is 0, never a vacuous 100%.
    expect(r).toMatchObject({ invalid: 1, killed: 0, survived: 0, scored: 0, score: 0 })
    expect(r.mutants[0]).toMatchObject({ status: 'invalid', operator: 'rounding', replacement: '_roundUp' })
    expect(r.mutants[0].detail).toMatch(/compilation failed/)
  }, 60_000)
})

describe('vaultcheck mutate', () => {
  test('mutates the bundled reserve vault and reports a score', () => {
    const r = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--runs', '8', '--workers', '2', '--reporter', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({ kind: 'reserve', file: 'contracts/ReserveVault.sol', contract: 'ReserveVault', invalid: expect.any(Number) })
    expect(report.killed).toBeGreaterThan(0)
    expect(report.score).toBeGreaterThan(0.5)
    expect(report.score).toBeLessThanOrEqual(1)
    expect(report.scored).toBe(report.killed + report.survived + report.timeout + report.errors)
    expect(report.score).toBeCloseTo(report.killed / report.scored, 3)
    for (const m of report.mutants) {
      expect(m).toMatchObject({ id: expect.stringMatching(/^M\d+$/), file: 'contracts/ReserveVault.sol', line: expect.any(Number), operator: expect.any(String), change: expect.stringMatching(/^- .*\n\+ /) })
      expect(['killed', 'survived', 'invalid', 'timeout', 'error']).toContain(m.status)
      if (m.status === 'killed') expect(m.killedBy).toMatch(/^RESERVE-|Error$/)
    }
    // The receiver == vault guards are known spec-permitted survivors; nothing else may survive.
    expect(report.nonEquivalentScore).toBe(1)
  }, 120_000)

  test('bad input exits 2', () => {
    const missing = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--source', 'contracts/Nope.sol', '--contract', 'Nope'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/Source file not found/)
    const wrong = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--source', 'contracts/ReserveVault.sol', '--contract', 'NativeVault'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/Contract "NativeVault" not found/)
    const noContract = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--source', 'contracts/ReserveVault.sol'])
    expect(noContract.code).toBe(2)
  }, 60_000)
})

describe('the mutation gate', () => {
  const result = (status: MutantResult['status'], equivalent?: string) => ({ status, key: `k-${status}`, ...(equivalent ? { equivalent } : {}) }) as unknown as MutantResult

  test('timeouts and errors count as not killed; invalid mutants are not scored; nothing scored is 0', () => {
    const s = scoreMutants([result('killed'), result('killed'), result('survived', 'why'), result('timeout'), result('error'), result('invalid')], '')
    expect(s).toMatchObject({ killed: 2, survived: 1, timeout: 1, errors: 1, invalid: 1, scored: 5, equivalent: 1 })
    expect(s.score).toBeCloseTo(2 / 5)
    expect(s.nonEquivalentScore).toBeCloseTo(2 / 4)
    expect(scoreMutants([result('invalid')], '')).toMatchObject({ scored: 0, score: 0, nonEquivalentScore: 0 })
  })

  test("the equivalent-mutant list applies to the bundled vault's own content only, not to a file of the same name", () => {
    const key = Object.keys(EQUIVALENT_MUTANTS).find((k) => k.startsWith('TokenizedVault.sol:'))!
    const bundled = fs.readFileSync(path.join(ROOT, 'contracts', 'TokenizedVault.sol'), 'utf8')
    expect(equivalenceOf(key, bundled)).toBe(EQUIVALENT_MUTANTS[key])
    expect(equivalenceOf(key, bundled.replace('contract TokenizedVault', 'contract TokenizedVault /* mine */'))).toBeUndefined()
  })

  test('--min-score takes 0..1 or an explicit percentage; nothing to score exits 2', () => {
    for (const bad of ['1.5', '90', '-0.1', '101%', 'x']) {
      const r = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--min-score', bad])
      expect(r.code, bad).toBe(2)
      expect(r.stderr).toContain('--min-score must be a fraction from 0 to 1 (0.9) or a percentage with % (90%)')
    }
    const none = vaultcheck(ROOT, ['mutate', '--kind', 'reserve', '--mutant', 'M999', '--runs', '2', '--min-score', '90%'])
    expect(none.code, none.stderr).toBe(2)
    expect(none.stderr).toMatch(/nothing to score: 0 mutant\(s\) of contracts\/ReserveVault\.sol/)
  }, 120_000)
})
