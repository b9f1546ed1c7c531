# A private PostgreSQL cluster in a folder of ours: data in DIR/data, the unix
# socket in DIR/run, no TCP. Sourced by scripts/start and scripts/test.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` user that Debian's package creates.

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    [[ -x "$dir/initdb" ]] && { echo "$dir"; return 0; }
  done
  echo "postgres: no initdb found under /usr/lib/postgresql (is postgresql-15 installed?)" >&2
  return 1
}

# Runs a PostgreSQL server program as the cluster's owner.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_cluster_start DIR [postgres -c settings…]: initialise DIR once, then start
# the server unless it already runs. Reuses the cluster across runs.
pg_cluster_start() {
  local dir=$1; shift
  local bin; bin=$(pg_bin) || return 1
  mkdir -p "$dir/run"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$dir" "$dir/run"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "postgres: user postgres cannot reach $dir (a parent folder is closed to it); move the project somewhere it can" >&2
      return 1
    fi
  fi
  if [[ ! -s "$dir/data/PG_VERSION" ]]; then
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  if pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  local options="-k '$dir/run' -c listen_addresses='' -c port=5432"
  local setting
  for setting in "$@"; do options+=" -c $setting"; done
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null ||
    { echo "postgres: the server in $dir did not start; its log:" >&2; tail -20 "$dir/postgres.log" >&2; return 1; }
}

pg_cluster_stop() {
  local dir=$1
  local bin; bin=$(pg_bin) || return 1
  [[ -d "$dir/data" ]] || return 0
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_cluster_kill DIR: immediate shutdown, as when the host dies: every
# backend is killed, nothing is checkpointed (the next start recovers).
pg_cluster_kill() {
  local dir=$1
  local bin; bin=$(pg_bin) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
}

# The libpq key=value string for database DB of the cluster in DIR.
pg_cluster_url() {
  echo "host='$1/run' port=5432 user=postgres dbname=$2"
}

# Creates database DB in the cluster of DIR unless it exists.
pg_cluster_ensure_db() {
  local dir=$1 db=$2
  local bin; bin=$(pg_bin) || return 1
  local exists
  exists=$("$bin/psql" "$(pg_cluster_url "$dir" postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
  [[ "$exists" == 1 ]] || "$bin/psql" "$(pg_cluster_url "$dir" postgres)" -qc "CREATE DATABASE \"$db\"" >/dev/null
}
