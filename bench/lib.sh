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

# bench_session_open, bench_session SQL, bench_session_close: one psql
# session for the polls of a drain. A poll through bench_psql is a psql
# process, a new backend and a count over the table: five a second of those
# took about 10% of both CPUs from the drain being measured (a profile of
# 2026-12-03), which the peers' own counting does not pay. Here a poll is a
# query on one backend, and bench_drained answers from two index probes.
bench_session_open() {
  coproc BENCH_SESSION { "$(pg_bin)/psql" "$SPAWNQ_DATABASE_URL" -qtA -v ON_ERROR_STOP=1 2>&1; }
  bench_session "SET enable_seqscan = off" >/dev/null
}
bench_session() {
  local answer
  echo "$1;" >&"${BENCH_SESSION[1]}"
  # SET answers nothing: ask for a line after it, so that every call reads one.
  [[ $1 == SET* ]] && echo "SELECT 'set';" >&"${BENCH_SESSION[1]}"
  read -r -t 30 answer <&"${BENCH_SESSION[0]}" || { echo "bench: the poll session did not answer '$1'" >&2; return 1; }
  echo "$answer"
}
bench_session_close() {
  exec {BENCH_SESSION[1]}>&-
  wait "$BENCH_SESSION_PID" 2>/dev/null || true
}
# bench_drained: "t" once no job is pending, waiting to retry or processing.
bench_drained() {
  bench_session "SELECT NOT EXISTS (SELECT 1 FROM spawnq.jobs WHERE status IN ('pending', 'retry_wait'))
                    AND NOT EXISTS (SELECT 1 FROM spawnq.jobs WHERE status = 'processing')"
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
  local pid
  for pid in ${daemon_pid:-} ${more_daemon_pids:-}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${daemon_pid:-} ${more_daemon_pids:-}; do wait "$pid" 2>/dev/null || true; done
  daemon_pid=
  more_daemon_pids=
}

# bench_drain JOBS JOB_TYPE QUEUES CONFIG... : enqueues JOBS jobs spread
# evenly over QUEUES (space-separated), starts one daemon per CONFIG (logs
# in $work/daemon.log, daemon-2.log, …), waits until every job is done, runs
# $bench_before_stop if set (say, to fetch /metrics), stops the daemons,
# checks all ended done, empties the tables and prints
# "JOBS_PER_S SPAN_S WALL_JOBS_PER_S" (span: first claim to last outcome, as
# the database saw them; wall: counting daemon start-up).
bench_drain() {
  local jobs=$1 job_type=$2 queues=$3
  shift 3
  local q=($queues) list started finished span not_done i
  list=$(printf "'%s'," "${q[@]}")
  bench_psql "SELECT count(spawnq.enqueue('$job_type', queue => (ARRAY[${list%,}])[1 + i % ${#q[@]}]))
              FROM generate_series(0, $jobs - 1) AS i" >/dev/null
  bench_psql "VACUUM ANALYZE spawnq.jobs"
  started=$(date +%s.%N)
  for ((i = 1; i < $#; ++i)); do
    "$spawnq" work-all --config="${!i}" >"$work/daemon-$((i + 1)).log" 2>&1 &
    more_daemon_pids+=" $!"
  done
  bench_daemon_start "${!#}"
  bench_session_open
  bench_wait "$jobs jobs to finish" 200 '[[ $(bench_drained) == t ]]'
  finished=$(date +%s.%N)
  bench_session_close
  [[ -z ${bench_before_stop:-} ]] || eval "$bench_before_stop"
  bench_daemon_stop
  not_done=$(bench_psql "SELECT count(*) FROM spawnq.jobs WHERE status <> 'done'")
  if [[ $not_done != 0 ]]; then
    echo "bench: $not_done jobs did not end done" >&2
    exit 1
  fi
  span=$(bench_psql "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM spawnq.jobs")
  bench_psql "TRUNCATE spawnq.jobs, spawnq.job_attempts, spawnq.job_dependencies; DELETE FROM spawnq.workers"
  awk -v n="$jobs" -v s="$span" -v a="$started" -v b="$finished" \
    'BEGIN { printf "%.0f %.2f %.0f\n", n / s, s, n / (b - a) }'
}

# bench_median LINE...: the line whose first field is the median.
bench_median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

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

# bench_spawn_limit SPAWNERS [COMMAND...]: posix_spawn+wait rate of COMMAND
# (default: job-runner running noop) from SPAWNERS threads, median of 3.
bench_spawn_limit() {
  local spawners=$1
  shift
  bench_envelope "$work/noop.json" noop
  (($# > 0)) || set -- "$job_runner" --job-id=1 --supervised
  "$tools/spawn-limit" --seconds=2 --rounds=3 --spawners="$spawners" --stdin="$work/noop.json" -- "$@"
}

# bench_rate LINE: the N of a spawn-limit line "… = N spawns/s …".
bench_rate() { sed -E 's/.* = ([0-9]+) spawns\/s.*/\1/' <<<"$1"; }

# bench_http_port: a free-looking local port for a daemon's /metrics.
bench_http_port() { echo $((20000 + RANDOM % 20000)); }

# bench_metrics PORT FILE: the daemon's /metrics, saved.
bench_metrics() { curl -sf "http://127.0.0.1:$1/metrics" >"$2"; }

# bench_metric FILE NAME: the sum of every sample of NAME (all labels).
bench_metric() {
  awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.9f\n", s }' "$1"
}
