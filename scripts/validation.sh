#!/usr/bin/env bash
# Regenerate docs/VALIDATION.md (the calibration targets, then the dose-response curves) and the
# dose-response charts in docs/images/. Run after a change to the model or its defaults; the
# statistical tests (`cargo test --release --test statistical`) fail until it has been run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin lwsim
lwsim=target/release/lwsim
$lwsim targets scenarios/deep-end-baseline.toml --replicates 1000 > docs/VALIDATION.md
$lwsim dose-response scenarios/deep-end-baseline.toml --replicates 200 -o output/dose-response --force -q
# The charts sit beside dose-response.md; in docs/ they are under images/.
sed 's#](dose-#](images/dose-#g' output/dose-response/dose-response.md >> docs/VALIDATION.md
cp output/dose-response/dose-*.png docs/images/
echo "wrote docs/VALIDATION.md and docs/images/dose-*.png"
