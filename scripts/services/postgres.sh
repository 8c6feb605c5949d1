#!/usr/bin/env bash
# Postgres 15 for Stagecast: start|stop|status|env|ensure-databases.
# Uses Debian's system cluster 15/main through pg_ctlcluster, so it needs no systemd (works in containers) and does not
# fight with a cluster apt already created. Listens on 127.0.0.1 only. Idempotent and safe to call concurrently.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

PG_VERSION=15
PG_CLUSTER=main
PG_CONF_DIR="/etc/postgresql/$PG_VERSION/$PG_CLUSTER"
PG_LOCK=/tmp/stagecast-postgres.lock

pg_require_installed() {
  [[ -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]] && have pg_ctlcluster ||
    die "PostgreSQL $PG_VERSION is not installed" "run 'bash scripts/bootstrap.sh' as root (or 'apt-get install postgresql postgresql-contrib')"
}

pg_is_ready() { pg_isready -q -h "$STAGECAST_DB_HOST" -p "$STAGECAST_DB_PORT" -t 2; }

as_postgres() { runuser -u postgres -- "$@"; }

pg_psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$STAGECAST_DB_PORT" "$@"; }

pg_configure() {
  if [[ ! -f "$PG_CONF_DIR/postgresql.conf" ]]; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$STAGECAST_DB_PORT" >/dev/null ||
      die "could not create cluster $PG_VERSION/$PG_CLUSTER" "check 'pg_lsclusters' and /var/log/postgresql/"
  fi
  # Loopback only, and enough connections for parallel test pools plus pg-boss. Debian's postgresql.conf includes conf.d.
  local conf="$PG_CONF_DIR/conf.d/stagecast.conf"
  local want
  want=$(printf "# Managed by scripts/services/postgres.sh\nlisten_addresses = '127.0.0.1'\nport = %s\nmax_connections = 300\n" "$STAGECAST_DB_PORT")
  if [[ "$(cat "$conf" 2>/dev/null)" != "$want" ]]; then
    mkdir -p "$PG_CONF_DIR/conf.d"
    printf '%s\n' "$want" >"$conf"
    if pg_is_ready; then
      log "PostgreSQL settings changed; restarting the cluster"
      pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart 9>&-
    fi
  fi
}

pg_start() {
  pg_require_installed
  # The lock fd must not leak into the postmaster (it would hold the lock forever), hence 9>&- on pg_ctlcluster.
  exec 9>"$PG_LOCK"
  flock -w 120 9 || die "timed out waiting for another postgres.sh to finish ($PG_LOCK)" "check for a stuck 'postgres.sh' process"
  pg_configure
  if ! pg_is_ready; then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER on $STAGECAST_DB_HOST:$STAGECAST_DB_PORT"
    # /var/run/postgresql may be missing in fresh containers (tmpfs); pg_ctlcluster needs it for the socket and pid.
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 9>&- ||
      die "PostgreSQL did not start" "read /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log; is port $STAGECAST_DB_PORT taken? ('ss -ltnp | grep $STAGECAST_DB_PORT')"
    wait_for 60 "PostgreSQL" pg_is_ready ||
      die "PostgreSQL did not accept connections within 60 s" "read /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
  fi
  pg_ensure_databases
}

# Role `stagecast` (password auth over TCP) owning the demo and test databases.
pg_ensure_databases() {
  pg_psql_admin -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$STAGECAST_DB_USER') THEN
    CREATE ROLE $STAGECAST_DB_USER LOGIN PASSWORD '$STAGECAST_DB_PASSWORD';
  ELSE
    ALTER ROLE $STAGECAST_DB_USER LOGIN PASSWORD '$STAGECAST_DB_PASSWORD';
  END IF;
END \$\$;
SQL
  local db
  for db in "$STAGECAST_DEMO_DB" "$STAGECAST_TEST_DB"; do
    if [[ "$(pg_psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
      log "creating database $db"
      as_postgres createdb -p "$STAGECAST_DB_PORT" -O "$STAGECAST_DB_USER" "$db"
    fi
  done
  # pgcrypto is trusted on PG 13+, but create it as superuser so migrations never need the privilege.
  for db in "$STAGECAST_DEMO_DB" "$STAGECAST_TEST_DB"; do
    pg_psql_admin -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS pgcrypto' 2>/dev/null || true
  done
}

pg_stop() {
  pg_require_installed
  if pg_is_ready; then
    log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast
  fi
}

pg_status() {
  if pg_is_ready; then
    echo "postgres: running on $STAGECAST_DB_HOST:$STAGECAST_DB_PORT"
  else
    echo "postgres: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  status) pg_status ;;
  ensure-databases) pg_ensure_databases ;;
  env)
    # Demo URL by default; `env test` (or STAGECAST_ENV=test) prints the test database.
    if [[ "${2:-${STAGECAST_ENV:-}}" == test ]]; then
      echo "export DATABASE_URL=$STAGECAST_TEST_DATABASE_URL"
    else
      echo "export DATABASE_URL=$STAGECAST_DEMO_DATABASE_URL"
    fi
    echo "export STAGECAST_DEMO_DATABASE_URL=$STAGECAST_DEMO_DATABASE_URL"
    echo "export STAGECAST_TEST_DATABASE_URL=$STAGECAST_TEST_DATABASE_URL"
    ;;
  *) die "usage: $0 start|stop|status|env [test]" "pass one of the actions" ;;
esac
