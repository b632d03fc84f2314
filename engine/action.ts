import type fc from 'fast-check'
import type { ActionSpec, World } from './step.ts'
import { MalformedReturnError } from '../evm/errors.ts'

/**
 * The one command class every kind uses. It carries a *recipe* (actor indexes, amount recipes)
 * and resolves it against the live model when it runs, so a shrunk sequence stays valid.
 * `build` returns undefined when the recipe means nothing in the current state (no holder yet).
 */
export class Action<M> implements fc.AsyncCommand<World<M>, World<M>> {
  constructor(
    private readonly recipe: string,
    private readonly build: (w: World<M>) => ActionSpec<M> | undefined | Promise<ActionSpec<M> | undefined>,
    private readonly probe?: (w: World<M>) => Promise<void>,
  ) {}

  check(): boolean {
    return true
  }

  async run(_model: World<M>, world: World<M>): Promise<void> {
    if (this.probe) {
      try {
        await this.probe(world)
      } catch (e) {
        if (e instanceof MalformedReturnError) world.malformedReturn(e, this.recipe)
        throw e
      }
      return
    }
    const spec = await this.build(world)
    if (spec) await world.step(spec)
  }

  toString(): string {
    return this.recipe
  }
}

/** A check-only action: runs a probe (round trip, donation attack) in a reverted snapshot. */
export function probeAction<M>(recipe: string, probe: (w: World<M>) => Promise<void>): Action<M> {
  return new Action<M>(recipe, () => undefined, probe)
}

/** Several actions in a row as one command (each a full engine step): e.g. deposit then borrow. */
export class Steps<X> implements fc.AsyncCommand<World<X>, World<X>> {
  constructor(
    private readonly recipe: string,
    private readonly builds: readonly ((w: World<X>) => ActionSpec<X> | undefined)[],
  ) {}

  check(): boolean {
    return true
  }

  async run(_model: World<X>, world: World<X>): Promise<void> {
    world.subSteps = this.builds.length
    for (const [j, build] of this.builds.entries()) {
      // A dropped sub-step is still built: its amounts are consumed, so later pins stay aligned.
      const spec = build(world)
      if (spec && !world.dropSteps?.has(j)) await world.step(spec)
    }
  }

  toString(): string {
    return this.recipe
  }
}
