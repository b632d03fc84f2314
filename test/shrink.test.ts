import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { readFailure, saveFailure, toStoredFailure } from '../report/failures.ts'
import { replay, runSuite } from '../runner/suite.ts'

type Suite = Awaited<ReturnType<typeof runSuite>>

/** Saves a counterexample as the next run and `vaultcheck replay` read it, checks that it replays the same steps, and returns what was stored. */
async function throughStore(target: { kind: 'cdp'; contract: string }, res: Suite, cx: NonNullable<Suite['properties'][number]['counterexample']>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-shrink-'))
  try {
    const file = saveFailure(root, toStoredFailure({ target: 'X', kind: 'cdp', cx, bytecodeHash: res.bytecodeHash, compilerVersion: res.compilerVersion, options: { depth: 25, actors: 3, decimals: 18, checkInterval: 8 } }))
    const stored = readFailure(file)
    expect((await replay(target, stored, stored.options)).steps).toEqual(cx.steps)
    return stored
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

// CdpBorrowChecksOldPosition checks health before adding the new debt, so a borrow from an empty
// position already breaks the ratio: one action. fast-check finds it inside an `open` command
// (deposit + borrow) whose borrow amount is a recipe ("a fraction of maxBorrow") that means 0 once
// the deposit is gone; only pinning the amount lets the deposit go.
test('amounts are pinned and composite commands trimmed when that shortens a counterexample; replay runs exactly it', async () => {
  const target = { kind: 'cdp' as const, contract: 'CdpBorrowChecksOldPosition' }
  // A seed whose shrunk sequence needs the edits (on many seeds fast-check alone reaches one step).
  const res = await runSuite(target, { seed: 4, properties: ['CDP-DIFF-001'] })
  const cx = res.properties.find((p) => p.id === 'CDP-DIFF-001')!.counterexample!
  expect(cx.steps).toHaveLength(1)
  expect(cx.steps[0]).toMatch(/^alice\.borrow\(\d+\) -> ok .*<-- CDP-DIFF-001$/)
  expect(cx.pins).toBeDefined()
  expect(cx.dropSteps).toBeDefined()

  const again = await replay(target, cx)
  expect(again.failed?.propertyId).toBe('CDP-DIFF-001')
  expect(again.steps).toEqual(cx.steps)
  // Without the edits the same seed and path give the longer sequence fast-check shrank to.
  const raw = await replay(target, { ...cx, pins: undefined, dropSteps: undefined })
  expect(raw.steps.length).toBeGreaterThan(1)

  // Through the failure store (what the next run and `vaultcheck replay` read) the edits survive.
  const stored = await throughStore(target, res, cx)
  expect(stored.pins).toEqual(cx.pins)
}, 120_000)

// CdpLiquidationKeepsTotalDebt forgets to lower the total debt when a position is liquidated. The
// fall-then-liquidate command has a third party liquidate, first buying the debt tokens it lacks:
// five steps. The position's owner holds what it borrowed, so liquidating itself needs four.
test('a liquidation by a funded third party is rewritten into the owner liquidating itself; the rewrite is recorded and replayed', async () => {
  const target = { kind: 'cdp' as const, contract: 'CdpLiquidationKeepsTotalDebt' }
  const res = await runSuite(target, { seed: 1, properties: ['CDP-BACKING-001'] })
  const cx = res.properties.find((p) => p.id === 'CDP-BACKING-001')!.counterexample!
  const actions = cx.trace.filter((l) => !l.label.startsWith('exit probe'))
  expect(cx.rewrites).toBeDefined()
  expect(actions).toHaveLength(4)
  const liquidation = actions.find((l) => /\.liquidate\(/.test(l.label))!
  const [, liquidator, owner] = /^(\w+)\.liquidate\((\w+)\)/.exec(liquidation.label)!
  expect(liquidator).toBe(owner)

  expect((await replay(target, cx)).steps).toEqual(cx.steps)
  // Without the rewrite, the same sequence has the third party's purchase and liquidation.
  const raw = await replay(target, { ...cx, rewrites: undefined })
  expect(raw.steps).not.toEqual(cx.steps)

  const stored = await throughStore(target, res, cx)
  expect(stored.rewrites).toEqual(cx.rewrites)
}, 120_000)
