import type fc from 'fast-check'
import type { ActionSpec, World } from '../engine/step.ts'

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
