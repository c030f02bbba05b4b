#!/usr/bin/env bash
# Run one shard of an lwsim sweep as a SLURM array task.
#
#   sbatch --array=0-$((N-1)) scripts/slurm-sweep.sh SWEEP.toml N
#   lwsim merge output/NAME-shard-*-of-N --out output/NAME      # when all tasks are done
#
# Each task writes output/NAME-shard-I-of-N/ and resumes its own work if it is re-run. Shards do
# not depend on each other, and their seeds depend only on the sweep's seed and the point index.
#SBATCH --job-name=lwsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --output=lwsim-sweep-%A_%a.log
set -euo pipefail
sweep=${1:?usage: slurm-sweep.sh SWEEP.toml N}
shards=${2:?usage: slurm-sweep.sh SWEEP.toml N}
index=${SLURM_ARRAY_TASK_ID:?run this with sbatch --array}
lwsim=${LWSIM:-target/release/lwsim}
exec "$lwsim" sweep "$sweep" --shard "$index/$shards" --threads "${SLURM_CPUS_PER_TASK:-1}" --resume --quiet
