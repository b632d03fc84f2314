import { kindSuiteTests } from './support/kind-suite.ts'

kindSuiteTests('erc4626')
