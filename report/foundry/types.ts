/** The input and output of renderFoundryReproducer. */
import type { Hex } from 'viem'
import type { StoredFailure } from '../failures.ts'
import type { ReplayResult } from '../../engine/suite.ts'

export type FoundryReplay = Pick<ReplayResult, 'setupLog' | 'runLog' | 'trace' | 'names' | 'contracts'>

export type FoundryInput = {
  f: StoredFailure
  replay: FoundryReplay
  /** Absolute path the .t.sol is written to (imports are made relative to it). */
  file: string
  /** Artifact name -> absolute path of the Solidity file declaring it. */
  sources: Readonly<Record<string, string>>
  /** Artifact name -> creation bytecode, for contracts without a source (deployed from bytecode). */
  bytecodes?: Readonly<Record<string, Hex>>
  /** Remappings of foundry.toml (prefix -> absolute dir), tried in order for import paths. */
  remaps?: readonly { prefix: string; dir: string }[]
}

export type FoundryReproducer = {
  source: string
  /** Whether the violated check is restated (false: the steps are replayed, the check is not). */
  exact: boolean
}
