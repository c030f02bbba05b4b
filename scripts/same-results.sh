#!/usr/bin/env bash
# Are two lwsim binaries' results byte-identical? Runs each on four inputs that between them
# touch every mechanism and writer: the Deep End baseline (300 replicates, 2 threads), one
# 52-week England replicate, five years of austerity (100 replicates) and competing innovations
# under full uncertainty (100 replicates); then compares every CSV and summary.json (run.json
# differs by its command line and wall time). Prints one line a file; exits 1 if any differs.
# A speed change that claims "byte-identical" in docs/PERFORMANCE.md is checked with this.
#
#   bash scripts/same-results.sh path/to/old/lwsim path/to/new/lwsim
set -euo pipefail
old="${1:?the old lwsim binary}"
new="${2:?the new lwsim binary}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for side in old new; do
  bin="$old"; [ "$side" = new ] && bin="$new"
  "$bin" run "$root/scenarios/deep-end-baseline.toml" -r 300 --threads 2 -q --out "$tmp/$side/de"
  "$bin" run "$root/scenarios/england-pcn.toml" -r 1 --set simulation.weeks=52 -q --out "$tmp/$side/en" 2>/dev/null
  "$bin" run "$root/scenarios/austerity.toml" -r 100 -q --out "$tmp/$side/au"
  "$bin" run "$root/scenarios/competing-innovations.toml" -r 100 --uncertainty full -q --out "$tmp/$side/ci"
done
status=0
for run in de en au ci; do
  for f in "$tmp/old/$run"/*.csv "$tmp/old/$run/summary.json"; do
    name="$run/$(basename "$f")"
    if cmp -s "$f" "$tmp/new/$run/$(basename "$f")"; then
      echo "same     $name"
    else
      echo "DIFFERS  $name"; status=1
    fi
  done
done
exit $status
