import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeVault } from '../runner/vitest.ts'

// OpenZeppelin 5's vaults, compiled from node_modules through an import: vaults not written here.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = 'test/fixtures/third-party/OzVaults.sol'

describeVault({ kind: 'erc4626', source, contract: 'OzTokenizedVault', root, name: 'OpenZeppelin ERC4626' })
describeVault({ kind: 'reserve', source, contract: 'OzWrappedToken', root, name: 'OpenZeppelin ERC20Wrapper' })

// solady's and solmate's WETH, from npm. solady's declares no Deposit or Withdrawal event: the
// kind's interface events are compared only where the vault's ABI declares them.
const wrappers = 'test/fixtures/third-party/NpmWrappers.sol'
describeVault({ kind: 'native', source: wrappers, contract: 'SoladyWrappedEther', root, name: 'solady WETH' })
describeVault({ kind: 'native', source: wrappers, contract: 'SolmateWrappedEther', root, name: 'solmate WETH' })
