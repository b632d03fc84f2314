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

// ERC-4626 vaults of the three widely used families, from npm. Their conversions are detected at
// deploy (OpenZeppelin's offset 10^3, solady's 10^0, solmate's none); solmate's has no defence
// against the donation attack, which is its design's real weakness and is reported (RND-001/003).
const vaults = 'test/fixtures/third-party/NpmVaults.sol'
describeVault({ kind: 'erc4626', source: vaults, contract: 'OzOffsetVault', root, name: 'OpenZeppelin ERC4626, decimals offset 3' })
describeVault({ kind: 'erc4626', source, contract: 'OzTokenizedVault', root, name: 'OpenZeppelin ERC4626, 6-decimal asset' }, { decimals: 6 })
describeVault({ kind: 'erc4626', source: vaults, contract: 'SoladyVault', root, name: 'solady ERC4626' })
describeVault({ kind: 'erc4626', source: vaults, contract: 'SolmateVault', root, name: 'solmate ERC4626 (no virtual offset)' }, { expectFailures: ['ERC4626-RND-001', 'ERC4626-RND-003'] })

// WETH9's shape at =0.7.6 (solc 0.7.6 installed as a dev-dependency alias): its totalSupply() is
// its coin balance, which force-fed coin raises without a mint. Detected, and judged for that.
describeVault({ kind: 'native', source: 'test/fixtures/pinned/Weth9Shaped.sol', contract: 'Weth9Shaped', root, name: 'WETH9 (=0.7.6)' })

// The canonical WETH9 itself, from npm (canonical-weth, `pragma solidity >=0.4.22 <0.6`), compiled by
// solc 0.5.17 installed as a dev-dependency alias: the contract at 0xC02a…6Cc2 on mainnet.
describeVault({ kind: 'native', source: 'node_modules/canonical-weth/contracts/WETH9.sol', contract: 'WETH9', root, name: 'canonical WETH9 (solc 0.5.17)' })
