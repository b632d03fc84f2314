/**
 * vaultcheck's public API. Everything a user may import is listed here by name; a test pins the
 * list so that any change to it is a visible diff.
 */
export { runSuite, replay } from './harness/suite.ts'
export type { SuiteResult, ReplayInput, ReplayResult } from './harness/suite.ts'
export { runCampaign, DEFAULT_CAMPAIGN } from './harness/campaign.ts'
export type { CampaignOptions, CampaignResult, Counterexample, PropertyResult } from './harness/campaign.ts'
export { loadTarget, bytecodeHash } from './harness/target.ts'
export type { TargetSpec, LoadedTarget } from './harness/target.ts'
export { compile, getArtifact, compilerVersion } from './harness/compile.ts'
export type { Artifact, CompileOutput, CompileParams } from './harness/compile.ts'
export { createChain } from './harness/chain.ts'
export type { Chain, ChainOptions, CallResult } from './harness/chain.ts'
export { decodeRevert, formatRevert } from './harness/revert.ts'
export type { RevertReason } from './harness/revert.ts'
export { formatCampaign, formatCounterexample } from './harness/report.ts'
export {
  VaultcheckError,
  CompileError,
  ImportNotFoundError,
  SourceNotFoundError,
  ContractNotFoundError,
  DeployError,
  ConfigError,
  TargetShapeError,
  HarnessError,
} from './harness/errors.ts'
export { PROPERTIES, propertiesOf, propertyById } from './properties/registry.ts'
export type { Kind, PropertyDef } from './properties/types.ts'
export { PropertyViolation, KINDS } from './properties/types.ts'
export { DEFAULT_EVM_VERSION } from './harness/evm-version.ts'
export type { EvmVersion } from './harness/evm-version.ts'
