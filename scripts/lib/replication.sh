# Streaming replication between two clusters of scripts/lib/postgres.sh, for
# the failover test: a hot standby copied from a running primary with
# pg_basebackup, made synchronous (the primary acknowledges a COMMIT only
# once the standby has flushed it), and promoted when the primary dies.
# Sourced after postgres.sh by the test harness.

# pg_standby_start PRIMARY_DIR STANDBY_DIR NAME [settings…]: copies the
# primary into STANDBY_DIR and starts it as a hot standby streaming from it
# as application_name NAME.
pg_standby_start() {
  local primary=$1 standby=$2 name=$3; shift 3
  local bin; bin=$(pg_bin) || return 1
  mkdir -p "$standby/run"
  [[ $(id -u) -ne 0 ]] || chown postgres "$standby" "$standby/run"
  # (The harness's folders hold no spaces or quotes, so the host needs none.)
  local source="host=$primary/run port=5432 user=postgres application_name=$name"
  pg_as_owner "$bin/pg_basebackup" -d "$source" -D "$standby/data" -X stream -c fast \
    >"$standby/basebackup.log" 2>&1 || { cat "$standby/basebackup.log" >&2; return 1; }
  pg_as_owner touch "$standby/data/standby.signal"
  # postgresql.auto.conf is read last, so this line wins over the copy's.
  pg_as_owner tee -a "$standby/data/postgresql.auto.conf" >/dev/null <<<"primary_conninfo = '$source'"
  pg_cluster_start "$standby" "$@"
}

# pg_replication_synchronous PRIMARY_DIR NAME: the primary waits for standby
# NAME at every COMMIT from now on; returns once the standby is in sync.
pg_replication_synchronous() {
  local primary=$1 name=$2
  local bin; bin=$(pg_bin) || return 1
  local url; url=$(pg_cluster_url "$primary" postgres)
  "$bin/psql" "$url" -qc "ALTER SYSTEM SET synchronous_standby_names = '$name'" -c "SELECT pg_reload_conf()" >/dev/null
  local tries=0
  until [[ $("$bin/psql" "$url" -tAc "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$name'") == sync ]]; do
    ((++tries < 100)) || { echo "replication: standby $name not in sync after 10s" >&2; return 1; }
    sleep 0.1
  done
}

# pg_standby_promote STANDBY_DIR: the standby becomes a primary, accepting writes.
pg_standby_promote() {
  local standby=$1
  local bin; bin=$(pg_bin) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$standby/data" -w -t 60 promote >/dev/null
}
