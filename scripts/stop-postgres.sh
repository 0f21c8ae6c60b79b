#!/usr/bin/env bash
# Stop the PostgreSQL cluster scripts/start-postgres.sh started (KKRBOT_TEST_POSTGRES_STARTED holds
# its version); a server that was already running before is left alone.
set -euo pipefail
version="${KKRBOT_TEST_POSTGRES_STARTED:-}"
if [ -z "$version" ]; then
    exit 0
fi
echo "stop-postgres: stopping cluster $version/main" >&2
if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" main stop; else sudo pg_ctlcluster "$version" main stop; fi
