/**
 * The shortest counterexample a fixture admits, found by search instead of by reasoning: sequences
 * over a fixed alphabet of the kind's commands, fewest steps first, each run on the fixture with
 * every property on and the exit probe at the end, as a campaign would.
 *
 * The alphabet: every command arbitrary of the kind (and the generated calls outside its
 * interface), sampled with a fixed seed, with amounts restricted to a small set (each reference
 * exactly, half of the first, one whole token, and the fixture's own amounts: the constants in its
 * bytecode). States are deduplicated by the model and every observed view, so a step that changes
 * nothing is not expanded. The search stops at the first length L at which a sequence fails once
 * every sequence of fewer steps has been tried ("proved": no shorter counterexample over this
 * alphabet), or when its budget runs out (then only "none below B steps" is known).
 */
import fc from 'fast-check'
import { Bench, resolveOptions, runSequence, selectProperties } from '../engine/campaign.ts'
import { extraCommands } from '../engine/extras.ts'
import { PropertyViolation } from '../engine/property.ts'
import { RunDiscarded, type World } from '../engine/step.ts'
import type { AmountRecipe } from '../engine/amounts.ts'
import type { LoadedTarget } from '../engine/target.ts'
import { driverFor } from '../properties/drivers.ts'
import { actionCount } from './util.ts'

type Command = fc.AsyncCommand<World<unknown>, World<unknown>>

export type SearchResult = {
  /**
   * Steps of the shortest counterexample: one the search ran, or the `upper` given when every
   * shorter sequence was tried and passed (then `example` is absent). Undefined: none known.
   */
  len?: number
  /** True when every sequence with fewer steps than `len` was tried. */
  proved: boolean
  /** Every sequence with fewer steps than this was tried. */
  below: number
  example?: { propertyId: string; steps: string[] }
  evals: number
  alphabet: number
  ms: number
}

export type SearchOptions = {
  /** Child evaluations at most (one step and an exit probe each). */
  budget?: number
  /**
   * The shortest counterexample known already (a campaign's): the search only has to try the
   * sequences shorter than it, to prove it minimal or find a shorter one.
   */
  upper?: number
  /** Longest sequence tried, in steps. */
  maxSteps?: number
  /** Distinct commands sampled from each arbitrary. */
  perArb?: number
  /** Dictionary constants used as amounts (the fixture's own numbers), at most. */
  dictionaryAmounts?: number
  /** Wall-clock limit in milliseconds; like the budget, running out leaves the result unproved. */
  timeMs?: number
}

/** A state's identity: the model and every observed view (bigints, maps and sets included). */
function stateKey(w: World<unknown>): string {
  return stable([w.model, w.last])
}

function stable(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'u'
  if (v instanceof Map) return `M{${[...v.entries()].map(([k, x]) => `${stable(k)}:${stable(x)}`).sort().join(',')}}`
  if (v instanceof Set) return `S{${[...v].map(stable).sort().join(',')}}`
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${k}:${stable((v as Record<string, unknown>)[k])}`)
    .join(',')}}`
}

type Node = { seq: Command[]; steps: number }

export async function shortestCounterexample(target: LoadedTarget, opts: SearchOptions = {}): Promise<SearchResult> {
  const started = performance.now()
  const budget = opts.budget ?? 40_000
  const maxSteps = opts.maxSteps ?? 6
  const upper = opts.upper ?? Infinity
  const deadline = started + (opts.timeMs ?? Infinity)
  const driver = driverFor(target)
  const o = resolveOptions({ actors: 2 })
  const { enabled } = selectProperties(target.kind, driver.properties, {})
  // The fixture's own amounts come from the dictionary harvested at deploy.
  const space = ({ dictionary, decimals }: { dictionary: readonly bigint[]; decimals: number }): AmountRecipe[] => [
    { t: 'ref', ref: 0, delta: 0 },
    { t: 'ref', ref: 1, delta: 0 },
    { t: 'frac', ref: 0, ppm: 500_000 },
    { t: 'const', value: 10n ** BigInt(decimals) },
    ...dictionary.slice(0, opts.dictionaryAmounts ?? 4).map((_, index): AmountRecipe => ({ t: 'dict', index, delta: 0 })),
  ]
  const bench = await Bench.create({ target, driver, enabled: new Set(enabled.map((d) => d.id)), options: { ...o, amountSpace: space } })
  const world = bench.world
  const arbs = [...new Set([...driver.commands(world), ...extraCommands(world)])]
  const seen = new Set<string>()
  const alphabet: Command[] = []
  for (const [i, arb] of arbs.entries()) {
    for (const c of fc.sample(arb, { seed: 1000 + i, numRuns: opts.perArb ?? 24 }) as Command[]) {
      if (seen.has(String(c))) continue
      seen.add(String(c))
      alphabet.push(c)
    }
  }

  let evals = 0
  const result = (r: Omit<SearchResult, 'evals' | 'alphabet' | 'ms'>): SearchResult => ({ ...r, evals, alphabet: alphabet.length, ms: performance.now() - started })

  /** Replays `seq` from the funded state, without the exit probe; false when it cannot be replayed. */
  const enter = async (seq: readonly Command[]): Promise<boolean> => {
    const w = await bench.reset(false)
    w.trace = []
    try {
      for (const c of seq) {
        clearEdits(w)
        await c.run(w, w)
      }
      return true
    } catch (e) {
      if (e instanceof PropertyViolation || e instanceof RunDiscarded) return false
      throw e
    }
  }
  /** A failing sequence replayed from scratch, as a campaign would run it: its property and steps. */
  const confirm = async (seq: readonly Command[]): Promise<{ propertyId: string; steps: string[] } | undefined> => {
    const w = await bench.reset(true)
    try {
      await runSequence(w, seq)
    } catch (e) {
      if (e instanceof PropertyViolation) return { propertyId: e.propertyId, steps: (w.trace ?? []).map((l) => l.label) }
      if (e instanceof RunDiscarded) return undefined
      throw e
    }
    return undefined
  }

  // The empty sequence: the exit probe alone (actors that start holding may already be stuck).
  await enter([])
  try {
    await world.probe()
  } catch (e) {
    if (!(e instanceof PropertyViolation)) throw e
    return result({ len: 0, proved: true, below: 0, example: { propertyId: e.propertyId, steps: [] } })
  }
  // A state is expanded from the fewest steps that reach it.
  const states = new Map<string, number>([[stateKey(world), 0]])
  const buckets = new Map<number, Node[]>([[0, [{ seq: [], steps: 0 }]]])
  let best: { len: number; seq: Command[] } | undefined
  let s = 0
  for (; s <= maxSteps - 1 && s <= Math.min(best?.len ?? Infinity, upper) - 2; s++) {
    if (process.env.SEARCH_DEBUG) console.log(`bucket ${s}: ${buckets.get(s)?.length ?? 0} states, ${evals} evals so far`)
    for (const node of buckets.get(s) ?? []) {
      if (!(await enter(node.seq))) continue
      const saved = { model: world.model, last: world.last, stats: { ...world.stats }, stepIndex: world.stepIndex }
      const snap = await world.chain.snapshot()
      for (const c of alphabet) {
        if (evals >= budget || (evals % 64 === 0 && performance.now() > deadline)) return result(best ? { len: best.len, proved: false, below: s + 1, example: await confirm(best.seq) } : { proved: false, below: s + 1 })
        evals++
        world.trace = []
        let failed = false
        try {
          clearEdits(world)
          await c.run(world, world)
          await world.probe()
        } catch (e) {
          if (e instanceof RunDiscarded) {
            await restore(world, snap, saved)
            continue
          }
          if (!(e instanceof PropertyViolation)) throw e
          failed = true
        }
        const steps = s + actionCount(world.trace ?? [])
        const key = failed ? '' : stateKey(world)
        await restore(world, snap, saved)
        if (failed) {
          if (!best || steps < best.len) best = { len: steps, seq: [...node.seq, c] }
          // Every sequence of at most s steps has been tried: one more step is the minimum.
          if (best.len <= s + 1) return result({ len: best.len, proved: true, below: best.len, example: await confirm(best.seq) })
          continue
        }
        if (steps === s || (states.get(key) ?? Infinity) <= steps || steps > maxSteps) continue
        states.set(key, steps)
        const list = buckets.get(steps) ?? []
        list.push({ seq: [...node.seq, c], steps })
        buckets.set(steps, list)
      }
    }
    buckets.delete(s)
  }
  // Buckets 0..s-1 are done: every sequence of at most s steps was tried.
  const bound = Math.min(best?.len ?? Infinity, upper)
  if (s >= bound - 1) {
    // Nothing shorter than the best known counterexample fails: it is minimal (the search's own
    // example when it found one that short, else the campaign's that `upper` came from).
    return result({ len: bound, proved: true, below: bound, ...(best && best.len === bound ? { example: await confirm(best.seq) } : {}) })
  }
  return result({ ...(best ? { len: best.len, example: await confirm(best.seq) } : {}), proved: false, below: Math.min(s + 1, maxSteps + 1) })
}

function clearEdits(w: World<unknown>): void {
  w.pins = undefined
  w.resolved = undefined
  w.dropSteps = undefined
  w.subSteps = undefined
  w.rewrite = undefined
  w.rewrites = undefined
}

async function restore(w: World<unknown>, snap: unknown, saved: { model: unknown; last: World<unknown>['last']; stats: World<unknown>['stats']; stepIndex: number }): Promise<void> {
  await w.chain.revert(snap as never)
  w.model = saved.model
  w.last = saved.last
  w.stats = { ...saved.stats }
  w.stepIndex = saved.stepIndex
}
