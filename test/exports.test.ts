import { expect, test } from 'vitest'
import * as vaultcheck from '../index.ts'

test('the public API exports exactly these names', () => {
  expect(Object.keys(vaultcheck).sort()).toMatchInlineSnapshot(`
    [
      "CompileError",
      "ConfigError",
      "ContractNotFoundError",
      "DEFAULT_CAMPAIGN",
      "DEFAULT_EVM_VERSION",
      "DeployError",
      "HarnessError",
      "ImportNotFoundError",
      "KINDS",
      "PROPERTIES",
      "PropertyViolation",
      "SourceNotFoundError",
      "TargetShapeError",
      "VaultcheckError",
      "arg",
      "bytecodeHash",
      "compile",
      "compilerVersion",
      "createChain",
      "decodeRevert",
      "defineAdapter",
      "defineKind",
      "event",
      "fmt",
      "formatCampaign",
      "formatCounterexample",
      "formatRevert",
      "getArtifact",
      "loadTarget",
      "propertiesOf",
      "propertyById",
      "replay",
      "revert",
      "runCampaign",
      "runSuite",
      "success",
    ]
  `)
})
