/**
 * vaultcheck's public API. Everything a user may import is listed here by name; a test pins the
 * list so that any change to it is a visible diff.
 */
export { runSuite, replay } from './runner/suite.ts'
export type { SuiteResult, ReplayInput, ReplayResult } from './runner/suite.ts'
export { runCampaign, DEFAULT_CAMPAIGN } from './engine/campaign.ts'
export type { CampaignOptions, CampaignResult, Counterexample, PropertyResult } from './engine/campaign.ts'
export { loadTarget, bytecodeHash } from './engine/target.ts'
export type { TargetSpec, LoadedTarget } from './engine/target.ts'
export { compile, getArtifact, compilerVersion } from './evm/compile.ts'
export type { Artifact, CompileOutput, CompileParams } from './evm/compile.ts'
export { createChain } from './evm/chain.ts'
export type { Chain, ChainOptions, CallResult } from './evm/chain.ts'
export { decodeRevert, formatRevert } from './evm/revert.ts'
export type { RevertReason } from './evm/revert.ts'
export { formatCampaign, formatCounterexample } from './report/format.ts'
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
} from './evm/errors.ts'
export { PROPERTIES, propertiesOf, propertyById } from './properties/registry.ts'
export type { Kind, PropertyDef } from './engine/property.ts'
export { PropertyViolation, KINDS } from './engine/property.ts'
export { DEFAULT_EVM_VERSION } from './evm/evm-version.ts'
export type { EvmVersion } from './evm/evm-version.ts'
export { defineKind, arg } from './engine/define-kind.ts'
export type {
  KindDefinition,
  DefinedKind,
  ActionDef,
  ArgSpec,
  Args,
  InvariantDef,
  InvariantView,
  KindContext,
  DeployContext,
  KindPropertyDef,
  Failure,
  ContractRef,
} from './engine/define-kind.ts'
export { defineAdapter } from './engine/adapter.ts'
export type { AdapterDefinition, DefinedAdapter, AdapterCallContext } from './engine/adapter.ts'
export type { KindRef, KindModule } from './engine/kinds.ts'
export { success, revert, event } from './model/outcome.ts'
export type { Outcome, Success, Revert, ModelEvent } from './model/outcome.ts'
export { fmt } from './engine/amounts.ts'
export type { Account } from './engine/step.ts'
export type { Observation } from './evm/observe.ts'
export type { Theme } from './engine/property.ts'
