# A private PgBouncer in a folder of ours, in front of a cluster of
# scripts/lib/postgres.sh: unix socket only (DIR/.s.PGSQL.6432), trust
# authentication, pool_mode = transaction. Sourced by the test harness.
# PgBouncer refuses to run as root, so as root it runs as `postgres`, like
# the cluster.

pgbouncer_bin() {
  local candidate
  for candidate in "$(command -v pgbouncer 2>/dev/null)" /usr/sbin/pgbouncer; do
    [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  echo "pgbouncer: not installed (scripts/install-deps installs it)" >&2
  return 1
}

# pgbouncer_start DIR SERVER_SOCKET_DIR POOL_SIZE [RESET_QUERY]: every
# database of the server, pooled per transaction, at most POOL_SIZE server
# connections per database. RESET_QUERY (empty by default, as in transaction
# mode) runs when a server connection returns to the pool.
pgbouncer_start() {
  local dir=$1 server=$2 pool_size=$3 reset=${4:-}
  local bin; bin=$(pgbouncer_bin) || return 1
  mkdir -p "$dir"
  echo '"postgres" ""' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$server port=5432 user=postgres

[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = $pool_size
max_client_conn = 500
server_reset_query = $reset
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
admin_users = postgres
INI
  [[ $(id -u) -eq 0 ]] && chown -R postgres "$dir"
  pg_as_owner "$bin" -d "$dir/pgbouncer.ini" ||
    { echo "pgbouncer: did not start; its log:" >&2; tail -20 "$dir/pgbouncer.log" >&2; return 1; }
  local i
  for i in $(seq 100); do
    [[ -S "$dir/.s.PGSQL.6432" ]] && return 0
    sleep 0.05
  done
  echo "pgbouncer: no socket in $dir after 5s; its log:" >&2
  tail -20 "$dir/pgbouncer.log" >&2
  return 1
}

pgbouncer_stop() {
  local dir=$1
  [[ -s "$dir/pgbouncer.pid" ]] || return 0
  local pid; pid=$(cat "$dir/pgbouncer.pid")
  kill -INT "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}
