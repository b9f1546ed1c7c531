# Shared by the bench scripts: a Release build in build-release/, a private
# PostgreSQL cluster with production durability (fsync and synchronous_commit
# on, unlike the test suite's), and a daemon to measure. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/postgres.sh

bench_dir=$PWD/bench
build_dir=${SPAWNQ_BENCH_BUILD_DIR:-$PWD/build-release}
spawnq=$build_dir/bin/spawnq
job_runner=$build_dir/bin/job-runner
tools=$build_dir/bench

# bench_build: installs what is missing and builds Release without the tests.
bench_build() {
  scripts/install-deps >/dev/null
  SPAWNQ_BUILD_DIR=$build_dir SPAWNQ_BUILD_TYPE=Release scripts/build -DBUILD_TESTING=OFF >/dev/null
}

# bench_cluster_start: a throwaway cluster in $work/pg and database `bench`;
# stopped and removed on exit together with the daemon.
bench_cluster_start() {
  work=$(mktemp -d /tmp/spawnq-bench.XXXXXX)
  chmod 755 "$work"
  trap bench_cleanup EXIT
  pg_cluster_start "$work/pg" max_connections=100 shared_buffers=128MB
  pg_cluster_ensure_db "$work/pg" bench
  export SPAWNQ_DATABASE_URL
  SPAWNQ_DATABASE_URL=$(pg_cluster_url "$work/pg" bench)
  "$spawnq" migrate >/dev/null
}

bench_cleanup() {
  bench_daemon_stop
  pg_cluster_stop "$work/pg"
  rm -rf "$work"
}

bench_psql() {
  "$(pg_bin)/psql" "$SPAWNQ_DATABASE_URL" -v ON_ERROR_STOP=1 -qtAc "$1"
}

# bench_daemon_start CONFIG: runs `spawnq work-all` on CONFIG in the
# background, logging to $work/daemon.log; sets daemon_pid.
bench_daemon_start() {
  "$spawnq" work-all --config="$1" >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  bench_wait "the daemon to register" 20 \
    "[[ \$(bench_psql 'SELECT count(*) FROM spawnq.workers') -ge 1 ]]"
}

bench_daemon_stop() {
  [[ -n ${daemon_pid:-} ]] || return 0
  kill -TERM "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=
}

# bench_wait WHAT SECONDS CONDITION: polls CONDITION every 200 ms (each poll
# is a psql process: polling faster would take CPU from what is measured).
bench_wait() {
  local what=$1 seconds=$2 condition=$3
  local deadline=$((SECONDS + seconds))
  until eval "$condition"; do
    if ((SECONDS >= deadline)); then
      echo "bench: gave up waiting for $what after ${seconds}s" >&2
      [[ -f $work/daemon.log ]] && tail -5 "$work/daemon.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

# bench_envelope FILE JOB_TYPE: the stdin job-runner gets for a job of that type.
bench_envelope() {
  printf '{"id":1,"queue":"bench","job_type":"%s","attempt":1,"max_attempts":1,"timeout_s":60,"payload":{}}\n' \
    "$2" >"$1"
}

# bench_spawn_limit SPAWNERS: posix_spawn+wait rate of job-runner running noop.
bench_spawn_limit() {
  bench_envelope "$work/noop.json" noop
  "$tools/spawn-limit" --seconds=2 --rounds=3 --spawners="$1" --stdin="$work/noop.json" -- \
    "$job_runner" --job-id=1 --supervised
}
