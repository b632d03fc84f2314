import { kindSuiteTests } from './support/kind-suite.ts'

kindSuiteTests('cdp')
