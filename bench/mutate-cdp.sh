#!/usr/bin/env bash
# The bundled CDP and its debt token in one file, mutated together: shows whether the suite kills
# the mutants of a token that lives beside the vault (access checks, allowances, transfers).
# Usage: bash bench/mutate-cdp.sh [extra vaultcheck mutate flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.vaultcheck/bench/mutate-cdp"
mkdir -p "$dir"
file="$dir/CdpWithToken.sol"
{
  echo '// SPDX-License-Identifier: MIT'
  echo 'pragma solidity ^0.8.24;'
  echo 'import {ERC20} from "../../../contracts/lib/ERC20.sol";'
  echo 'import {SafeTransferLib} from "../../../contracts/lib/SafeTransferLib.sol";'
  grep -v -e '^// SPDX' -e '^pragma' -e '^import' "$root/contracts/DebtToken.sol"
  grep -v -e '^// SPDX' -e '^pragma' -e '^import' "$root/contracts/CollateralDebtVault.sol"
} > "$file"
cd "$root"
exec node cli/dev.mjs mutate --kind cdp --source "${file#$root/}" --contract CollateralDebtVault "$@"
