#!/usr/bin/env bash
# The reference distributions of issue 16's test (tests/statistical.rs,
# `a_change_of_draws_keeps_every_headline_distribution`): the Deep End baseline and five years of
# austerity at 1,000 and at 10,000 replicates, and 100 practices set up as England's at 1,000, run
# by the binary given; each run's summary.json is copied to tests/data/distribution/NAME-N.json.
#
#   bash scripts/distribution-reference.sh path/to/lwsim [out-dir]
#
# The committed files were written by main at 9f8cb08 (the same results as 574fce4, where
# issue 16 started): the model before an active case's drop-out week was drawn once (CHANGELOG).
set -euo pipefail
bin="${1:?the lwsim binary to run}"
out="${2:-$(dirname "$0")/../tests/data/distribution}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
run() {
  local name="$1" replicates="$2"; shift 2
  "$bin" run "$root/scenarios/$1" -r "$replicates" --detail 0 -q --out "$tmp/$name" --force "${@:2}"
  cp "$tmp/$name/summary.json" "$out/$name-$replicates.json"
}
for n in 1000 10000; do
  run deep-end "$n" deep-end-baseline.toml
  run austerity-5y "$n" austerity.toml --set simulation.weeks=260
done
run england-100 1000 england-pcn.toml --set practices.count=100
