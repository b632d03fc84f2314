/**
 * The library's front door: run every property of a kind (built-in or a user's) against a target, or replay a
 * recorded counterexample exactly.
 */
import type { CampaignOptions } from '../engine/campaign.ts'
import { replayTarget, runTarget, type ReplayInput, type ReplayResult, type SuiteResult } from '../engine/suite.ts'
import { loadTarget, type LoadedTarget, type TargetSpec } from '../engine/target.ts'
import { driverFor } from '../properties/drivers.ts'

export type { ReplayInput, ReplayResult, SuiteResult } from '../engine/suite.ts'

export async function runSuite(spec: TargetSpec | LoadedTarget, options: CampaignOptions = {}): Promise<SuiteResult> {
  const target = 'mocks' in spec ? spec : await loadTarget(spec)
  return runTarget(target, driverFor(target), options)
}

/**
 * Re-executes one recorded counterexample: same seed, same path, same replayPath, same enabled
 * properties, so fast-check regenerates exactly the shrunk sequence. Returns its step-by-step trace.
 */
export async function replay(spec: TargetSpec | LoadedTarget, input: ReplayInput, options: CampaignOptions = {}): Promise<ReplayResult> {
  const target = 'mocks' in spec ? spec : await loadTarget(spec)
  return replayTarget(target, driverFor(target), input, options)
}
