#!/usr/bin/env bash
# End to end on a real single-node SLURM cluster (issue 18; docs/CLUSTER.md):
#   - brings SLURM up (munged, slurmctld, slurmd), installing slurm-wlm and munge with apt-get
#     when they are missing and this runs as root; its configuration, state and logs live in a
#     temporary folder (SLURM_CONF), nothing in /etc/slurm is touched;
#   - for a grid and a Sobol sweep, in a folder whose path has a space: `lwsim slurm` writes the
#     jobs, the commands it prints submit them, and the merged results are compared (cmp) with
#     a local unsharded run's, file by file;
#   - a merge through SLURM with a shard missing is refused, naming it; the array submitted again
#     finishes only that shard (the others say they are complete), and the merge then succeeds;
#   - stops the daemons it started, by their process ids, however it ends (trap EXIT).
# Uses $LWSIM if set, else target/release/lwsim (cargo build --release first).
# Not root and no SLURM: says so, and exits 1 under CI=true (0 elsewhere, as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
t0=$(date +%s.%N)
say() { printf 'slurm-e2e [%5.1fs] %s\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$*"; }
fail() {
  say "FAIL: $*" >&2
  exit 1
}
# Wait (at most $2 seconds) until the jobs named $1 (comma-separated) have left the queue.
wait_jobs() {
  local deadline=$((SECONDS + $2)) queued
  while queued=$(squeue -h -n "$1" -o %i) || fail "squeue failed"; [ -n "$queued" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      squeue -n "$1" || true
      fail "jobs $1 still queued after $2 s"
    fi
    sleep 0.5
  done
}

# ---- SLURM present? -------------------------------------------------------------------------
missing() { ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; }
if missing; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing slurm-wlm and munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; }
  else
    echo "slurm-e2e: SLURM (sbatch, slurmctld, slurmd, munged) is not installed, and this is not root with apt-get to install it: nothing tested" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 0
  fi
fi
missing && fail "slurm-wlm and munge did not install"
say "SLURM: $(/usr/sbin/slurmctld -V)"

# ---- lwsim --------------------------------------------------------------------------------
if [ -z "${LWSIM:-}" ]; then
  say "building target/release/lwsim (cargo build --release; nothing to do when it is fresh)"
  # The lock keeps two builds on a shared machine from running at once.
  if command -v flock >/dev/null; then
    flock /tmp/lwsim-cargo.lock cargo build --release --locked --quiet
  else
    cargo build --release --locked --quiet
  fi
  LWSIM=$root/target/release/lwsim
fi
export LWSIM
"$LWSIM" --version >/dev/null || fail "$LWSIM does not run"

# ---- the cluster --------------------------------------------------------------------------
work=$(mktemp -d /tmp/lwsim-slurm-e2e.XXXXXX)
pids=()
cleanup() {
  local status=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ "${#pids[@]}" -gt 0 ]; then
    scancel -n lwsim-e2e-grid,lwsim-e2e-grid-merge,lwsim-e2e-sobol,lwsim-e2e-sobol-merge >/dev/null 2>&1
  fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  done
  [ "${#pids[@]}" -gt 0 ] && say "stopped daemons ${pids[*]}"
  if [ "$status" = 0 ]; then rm -rf "$work"; else say "kept $work (logs in $work/slurm/log)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0755 /run/munge
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 40); do [ -s /run/munge/munged.pid ] && break; sleep 0.25; done
  pids+=("$(cat /run/munge/munged.pid)")
  munge -n | unmunge >/dev/null || fail "munged does not authenticate"
fi
state=$work/slurm
mkdir -p "$state/ctld" "$state/d" "$state/log"
node=$(hostname -s)
mem=$(($(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024))
export SLURM_CONF=$state/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=lwsim-e2e
SlurmctldHost=${node}(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=${node} NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# Each daemon writes its pid file a moment after it returns: wait for it, and record the pid.
start_daemon() {
  local pidfile=$2
  "$1"
  for _ in $(seq 1 40); do [ -s "$pidfile" ] && break; sleep 0.25; done
  [ -s "$pidfile" ] || fail "$1 wrote no pid file: $(tail -5 "$state"/log/*.log)"
  pids+=("$(cat "$pidfile")")
}
start_daemon /usr/sbin/slurmctld "$state/slurmctld.pid"
start_daemon /usr/sbin/slurmd "$state/slurmd.pid"
for _ in $(seq 1 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 0.5; done
sinfo -h -o %T | grep -q idle || fail "the node did not become idle: $(sinfo 2>&1)"
say "cluster up: node $node, $(nproc) CPUs (daemons ${pids[*]})"

# ---- the sweeps ---------------------------------------------------------------------------
space="$work/sweeps with space"
mkdir -p "$space"
scenario=$root/scenarios/deep-end-baseline.toml
cat >"$space/grid.toml" <<TOML
name = "e2e-grid"
scenario = "$scenario"
replicates = 3
seed = 7
design = "grid"
outcomes = ["integration_rate_24m", "share_connected"]

[[parameter]]
key = "funding.community_budget"
values = [0.6, 0.8, 1.0]

[[parameter]]
key = "practices.gp_buy_in.mean"
min = 0.3
max = 0.9
steps = 3
TOML
cat >"$space/sobol.toml" <<TOML
name = "e2e-sobol"
scenario = "$scenario"
replicates = 2
seed = 13
design = "sobol"
samples = 8
resamples = 50
outcomes = ["integration_rate_24m", "share_connected"]

[[parameter]]
key = "practices.gp_buy_in.mean"
min = 0.2
max = 0.8

[[parameter]]
key = "funding.community_budget"
min = 0.6
max = 1.2
TOML

# Every file of a finished sweep: the same bytes in both directories.
same() {
  local a=$1 b=$2 n=0 f
  for f in "$a"/*; do
    [ -f "$f" ] || continue
    cmp "$f" "$b/$(basename "$f")" || fail "$(basename "$f") differs between $a and $b"
    n=$((n + 1))
  done
  for f in "$b"/*; do
    [ -f "$f" ] && [ ! -e "$a/$(basename "$f")" ] && fail "$b has $(basename "$f"), $a does not"
  done
  echo "$n"
}

cd "$space"
for kind in grid sobol; do
  name=e2e-$kind
  job=lwsim-$name # the job names lwsim slurm gives
  jobs=$space/output/$name/slurm
  commands=$("$LWSIM" slurm "$kind.toml" --tasks 3 --cpus-per-task 1 --time 00:10:00 --partition debug)
  grep -q -- '--array=0-2' "$jobs/array.sh" || fail "array.sh lacks --array=0-2"
  say "$kind: lwsim slurm wrote $(find "$jobs" -name '*.sh' | wc -l) scripts; submitting with the commands it printed"
  sh -c "$commands" >/dev/null
  wait_jobs "$job,$job-merge" 120
  for i in 0 1 2; do
    grep -q '"complete": true' "$jobs/shard-$i-of-3/sweep.json" || fail "$kind: shard $i not complete: $(cat "$jobs"/logs/array-*_"$i".out)"
  done
  [ -f "$space/output/$name/sweep.json" ] || fail "$kind: the merge job wrote nothing: $(cat "$jobs"/logs/merge-*.out)"
  grep -q "wrote .*: 3 shards merged" "$jobs"/logs/merge-*.out || fail "$kind: merge log: $(cat "$jobs"/logs/merge-*.out)"
  grep -q "shard 1 of 3" "$jobs"/logs/array-*_1.out || fail "$kind: task 1 log: $(cat "$jobs"/logs/array-*_1.out)"
  "$LWSIM" sweep "$kind.toml" -o "$space/local-$kind" -q
  n=$(same "$space/local-$kind" "$space/output/$name")
  say "$kind: 3 array tasks and the merge job ran through SLURM; all $n files cmp-identical to a local unsharded run"
done

# ---- a task lost: the merge names it; the array again finishes it -------------------------
name=e2e-grid
jobs=$space/output/$name/slurm
results=$space/output/$name
rm -rf "$jobs/shard-1-of-3"
rm -f "$results"/*.* # the merged files, not slurm/
if timeout 120 sbatch --wait --quiet "$jobs/merge.sh"; then
  fail "the merge job succeeded with shard 1 missing"
fi
log=$(ls -t "$jobs"/logs/merge-*.out | head -1)
grep -q "shards missing: 1 of 3" "$log" || fail "the merge job's log does not name the missing shard: $(cat "$log")"
[ -e "$results/sweep.json" ] && fail "a refused merge wrote sweep.json"
say "merge through SLURM with shard 1 missing: refused ($(grep -o 'error: .*' "$log" | head -1))"
timeout 120 sbatch --wait --quiet "$jobs/array.sh" || fail "the array submitted again failed"
for i in 0 2; do
  grep -q "already complete" "$(ls -t "$jobs"/logs/array-*_"$i".out | head -1)" || fail "task $i recomputed a complete shard"
done
timeout 120 sbatch --wait --quiet "$jobs/merge.sh" || fail "the merge job failed after the rerun: $(cat "$(ls -t "$jobs"/logs/merge-*.out | head -1)")"
n=$(same "$space/local-grid" "$results")
say "array submitted again: tasks 0 and 2 already complete, task 1 rerun; merged again: $n files cmp-identical"
say "PASS"
