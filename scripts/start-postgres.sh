#!/usr/bin/env bash
# Start a local PostgreSQL server for kkrbot's tests; idempotent, so run it as often as you like.
#
# Installs Debian's `postgresql` if it is missing, starts the newest cluster, and makes sure the
# role `kkrbot` (password `kkrbot`) owns the database `kkrbot_test`. Progress goes to stderr; stdout
# holds the exports the tests read (and, when this run started the server, the cluster to stop
# afterwards with scripts/stop-postgres.sh), so use it as:
#
#     eval "$(scripts/start-postgres.sh)"
set -euo pipefail

ROLE=kkrbot
PASSWORD=kkrbot
DATABASE=kkrbot_test

say() { echo "start-postgres: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

newest_version() {
    { ls /usr/lib/postgresql 2>/dev/null || true; } | sort -V | tail -n 1
}

if [ -z "$(newest_version)" ] || ! command -v pg_ctlcluster >/dev/null; then
    say "installing Debian's postgresql package"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

VERSION="$(newest_version)"
if [ -z "$VERSION" ]; then
    say "no PostgreSQL server found in /usr/lib/postgresql after installing it"
    exit 1
fi

if ! pg_lsclusters --no-header | awk -v v="$VERSION" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
    say "creating cluster $VERSION/main"
    as_root pg_createcluster "$VERSION" main >&2
fi

STARTED=""
if ! pg_lsclusters --no-header | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 ~ /online/ {up=1} END {exit !up}'; then
    say "starting cluster $VERSION/main"
    as_root pg_ctlcluster "$VERSION" main start >&2
    STARTED="$VERSION"
fi

PORT="$(pg_lsclusters --no-header | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    say "PostgreSQL $VERSION does not answer on 127.0.0.1:$PORT"
    exit 1
fi

psql_admin() {
    as_postgres psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"
}

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    say "creating role $ROLE"
    psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
else
    psql_admin -c "ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
    say "creating database $DATABASE"
    psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0" >&2
fi
psql_admin -c "ALTER DATABASE $DATABASE OWNER TO $ROLE" >&2  # the tests create a schema per test

URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
if ! PGPASSWORD="$PASSWORD" psql -X -q -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" -tAc "SELECT 1" >/dev/null; then
    say "cannot log in as $ROLE on 127.0.0.1:$PORT (check pg_hba.conf)"
    exit 1
fi
say "PostgreSQL $VERSION ready at 127.0.0.1:$PORT, database $DATABASE"
echo "export KKRBOT_TEST_POSTGRES_URL=$URL"
if [ -n "$STARTED" ]; then echo "export KKRBOT_TEST_POSTGRES_STARTED=$STARTED"; fi
