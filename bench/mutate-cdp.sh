#!/usr/bin/env bash
# The bundled CDP, its debt token and the token's ERC20 base in one file, mutated together: shows
# whether the suite kills the mutants of a token that lives beside the vault (access checks,
# allowances, transfers), not only the vault's.
# Usage: bash bench/mutate-cdp.sh [extra vaultcheck mutate flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.vaultcheck/bench/mutate-cdp"
mkdir -p "$dir"
file="$dir/CdpWithToken.sol"
{
  echo '// SPDX-License-Identifier: MIT'
  echo 'pragma solidity ^0.8.24;'
  echo 'import {SafeTransferLib} from "../../../contracts/lib/SafeTransferLib.sol";'
  grep -v -e '^// SPDX' -e '^pragma' -e '^import' "$root/contracts/lib/ERC20.sol"
  grep -v -e '^// SPDX' -e '^pragma' -e '^import' "$root/contracts/DebtToken.sol"
  grep -v -e '^// SPDX' -e '^pragma' -e '^import' "$root/contracts/CollateralDebtVault.sol"
} > "$file"
cd "$root"
exec node cli/dev.mjs mutate --kind cdp --source "${file#$root/}" --contract CollateralDebtVault "$@"
