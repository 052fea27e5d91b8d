#!/usr/bin/env bash
# Brings up the throwaway PostgreSQL server CI uses for the payment host's store tests, and
# prints its connection URL as the one and only line on stdout, so the caller can do
#   export POS_TEST_DATABASE_URL="$(bash scripts/ci/postgres.sh)"
# Everything else (progress, pg_ctlcluster's chatter) goes to stderr so it cannot leak into that
# variable.
#
# Expects Debian's `postgresql` package (postgresql-common's pg_lsclusters / pg_createcluster /
# pg_ctlcluster) and to run as root (or as postgres). Idempotent: on a second run the cluster is
# already online and the role and database already exist as wanted, so nothing is changed.
set -euo pipefail

# Fixed credentials are deliberate: this is a CI-only server that listens on localhost only and
# is thrown away with the machine. A fixed value also keeps reruns from changing anything.
readonly ROLE=combopay_test
readonly PASSWORD=combopay_test
readonly DATABASE=combopay_test
readonly HOST=127.0.0.1 # the URL goes over TCP, so the password (scram) rules in pg_hba apply

log() { echo "postgres.sh: $*" >&2; }

for tool in pg_lsclusters pg_createcluster pg_ctlcluster pg_isready psql; do
  command -v "$tool" >/dev/null || {
    log "$tool not found; install Debian's postgresql package first"
    exit 1
  }
done

# Run a command as the postgres superuser. Peer authentication on the Unix socket maps the OS
# user postgres to the database superuser, so no password is needed for the admin work. `cd /`
# avoids "could not change directory" noise when the caller's directory is not readable by
# postgres.
as_postgres() {
  if [[ "$(id -un)" == postgres ]]; then
    (cd / && "$@")
  elif [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    log "run as root (or as postgres): the role and database are created as the postgres superuser"
    exit 1
  fi
}

# --- find the cluster -------------------------------------------------------------------------
# Installing the package normally creates "<version>/main"; a minimal image may have been built
# with cluster creation turned off, so create one with the newest installed server if none exists.
# Columns of `pg_lsclusters --no-header`: version name port status owner datadir logfile.
cluster_line() { pg_lsclusters --no-header | head -n 1; }
if [[ -z "$(cluster_line)" ]]; then
  version="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' |
    awk -F/ '{print $5}' | sort -n | tail -n 1)"
  [[ -n "$version" ]] || {
    log "no PostgreSQL server binaries under /usr/lib/postgresql"
    exit 1
  }
  log "no cluster found; creating $version/main"
  pg_createcluster "$version" main >&2
fi
read -r version name port status _ < <(cluster_line)
log "using cluster $version/$name on port $port (status: $status)"

# --- start it ---------------------------------------------------------------------------------
# pg_ctlcluster hands over to systemctl only when systemd is running; without systemd (containers,
# this CI machine) it starts the server itself via pg_ctl as the cluster owner, which is what we
# want here. Status "online" (possibly "online,recovery") means it is already running.
if [[ "$status" != online* ]]; then
  log "starting cluster $version/$name"
  pg_ctlcluster "$version" "$name" start >&2
fi

# Wait until the server accepts TCP connections on the address the URL names (a started
# postmaster can still be in recovery/startup for a moment).
for _ in $(seq 1 60); do
  if pg_isready -q -h "$HOST" -p "$port"; then
    break
  fi
  sleep 1
done
pg_isready -h "$HOST" -p "$port" >&2 || {
  log "server did not become ready; see the log in: pg_lsclusters"
  exit 1
}

# --- role and database ------------------------------------------------------------------------
# `--cluster` makes Debian's psql wrapper connect to this cluster's socket and port.
psql_admin() {
  as_postgres psql --cluster "$version/$name" -X -q -A -t -v ON_ERROR_STOP=1 -d postgres "$@"
}

url="postgres://$ROLE:$PASSWORD@$HOST:$port/$DATABASE"

# Each step only touches the server when the current state differs from the wanted one, so a
# second run changes nothing. (Re-setting an unchanged password would still rewrite its SCRAM
# hash with a new salt, hence the login check before touching it.)
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]]; then
  log "creating role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
fi
# The tests create and drop their own per-file databases as this role, hence CREATEDB.
if [[ "$(psql_admin -c "SELECT rolcanlogin AND rolcreatedb FROM pg_roles WHERE rolname = '$ROLE'")" != t ]]; then
  log "granting LOGIN CREATEDB to $ROLE"
  psql_admin -c "ALTER ROLE $ROLE LOGIN CREATEDB"
fi
# The tests drop their databases `WITH (FORCE)`. PostgreSQL refuses that when some other role's
# process is attached to the database, and an autovacuum worker that happens to be visiting it
# counts as one ("must be a member of the role whose process is being terminated"). Membership in
# pg_signal_backend lets the role end such a worker; it grants nothing over data.
if [[ "$(psql_admin -c "SELECT pg_has_role('$ROLE', 'pg_signal_backend', 'MEMBER')")" != t ]]; then
  log "granting pg_signal_backend to $ROLE"
  psql_admin -c "GRANT pg_signal_backend TO $ROLE"
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]]; then
  log "creating database $DATABASE owned by $ROLE"
  psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
elif [[ "$(psql_admin -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$DATABASE'")" != "$ROLE" ]]; then
  log "making $ROLE the owner of database $DATABASE"
  psql_admin -c "ALTER DATABASE $DATABASE OWNER TO $ROLE"
fi
# Prove the URL works exactly as the tests will use it (TCP, password auth); if a pre-existing
# role has some other password, reset it to ours.
if ! psql "$url" -X -q -A -t -c 'SELECT 1' >/dev/null 2>&1; then
  log "setting the password of $ROLE"
  psql_admin -c "ALTER ROLE $ROLE PASSWORD '$PASSWORD'"
  psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 -c 'SELECT 1' >/dev/null
fi

log "ready"
echo "$url"
