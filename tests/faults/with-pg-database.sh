#!/usr/bin/env bash
# with-pg-database.sh VAR COMMAND...: runs COMMAND with VAR set to the URL of a throwaway
# PostgreSQL database, dropped afterwards (as .ci/pg-test does for the test suite).
set -euo pipefail
cd "$(dirname "$0")/../.."

var=$1
shift
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
# Also after a start (or a fault run's restart): wait until it accepts connections.
for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done

db="learnhub_${var,,}_$(date +%s)_$$"
createdb "$db"
trap 'dropdb --if-exists --force "$db" >/dev/null 2>&1 || true' EXIT

export "$var=postgresql://$PGUSER@$PGHOST:$PGPORT/$db"
"$@"
