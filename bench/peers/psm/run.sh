#!/usr/bin/env bash
# The psm peer: a Foundry invariant test of what vaultcheck's `psm` kind checks, run offline in a
# temp Foundry project (like bench/race.ts) against the reference module and the two buggy ones.
#   bash bench/peers/psm/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
NODE=$(command -v node)
FORGE=$(cd "$ROOT" && "$NODE" -p "const p = require('path'); p.join(p.dirname(require.resolve('@foundry-rs/forge-' + process.platform + '-' + (process.arch === 'x64' ? 'amd64' : process.arch) + '/package.json')), 'bin', 'forge')")
DIR=$(mktemp -d "${TMPDIR:-/tmp}/vaultcheck-psm-peer-XXXXXX")
trap 'rm -rf "$DIR"' EXIT

printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE" "$ROOT/scripts/solc-standin.mjs" > "$DIR/solc"
chmod +x "$DIR/solc"
cat > "$DIR/foundry.toml" <<TOML
[profile.default]
src = "."
test = "."
out = "out"
cache_path = "cache"
libs = []
allow_paths = ["$ROOT"]
remappings = ["vc/=$ROOT/contracts/", "peers/=$ROOT/bench/peers/", "psm/=$ROOT/examples/psm/contracts/"]
solc = "$DIR/solc"
auto_detect_solc = false
offline = true
evm_version = "osaka"
optimizer = true
optimizer_runs = 200

[invariant]
runs = 256
depth = 25
fail_on_revert = false
TOML
cp "$ROOT/bench/peers/psm/PsmRace.t.sol" "$DIR/"

export NO_COLOR=1 FOUNDRY_DISABLE_NIGHTLY_WARNING=1
# forge persists invariant failures (and replays them) under ./cache: keep that in the temp project.
cd "$DIR"
"$FORGE" --version | head -1
"$FORGE" build --root "$DIR" >/dev/null
# One forge process per test contract, so that each gets its own wall time (compiling excluded).
verdict=ok
for c in PsmRaceReference PsmRaceMintWrongScale PsmRaceRedeemFeeTenfold; do
  t0=$(date +%s.%N)
  out=$("$FORGE" test --root "$DIR" --match-contract "^$c\$" 2>&1 || true)
  t1=$(date +%s.%N)
  echo "== $c ($(echo "$t1 - $t0" | bc) s wall)"
  # The suite's report (with the shrunk sequences), not forge's JSON events and repeated summary.
  awk '/^Ran [0-9]+ tests? for/ { on = 1 } on && !/^[{╭|+╰]/ && NF { print } /^Suite result/ { exit }' <<<"$out" | grep . || echo "$out"
  if [ "$c" = PsmRaceReference ]; then
    grep -q '\[FAIL' <<<"$out" && verdict="false positive on the reference"
    grep -q '\[PASS' <<<"$out" || verdict="reference did not run"
  else
    grep -q '\[FAIL' <<<"$out" || verdict="$c not caught"
  fi
done
echo "verdict: $verdict"
[ "$verdict" = ok ]
