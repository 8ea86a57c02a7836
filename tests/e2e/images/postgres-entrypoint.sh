#!/bin/sh
# A stand-in for the official postgres image's entrypoint: on an empty PGDATA, initialise a cluster for
# POSTGRES_USER (default postgres) with POSTGRES_PASSWORD and create POSTGRES_DB (default: the user),
# using a temporary server on the Unix socket only (so TCP readiness means "really ready"), then run
# the server as the postgres user. POSTGRES_PASSWORD_FILE (and _USER_FILE, _DB_FILE) read the value
# from a file, as the official image does.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

# Like the official image, VAR_FILE names a file holding VAR's value (a Docker secret in /run/secrets).
for var in POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB; do
    eval "file=\${${var}_FILE:-}"
    if [ -n "$file" ]; then
        value=$(cat "$file")
        export "$var=$value"
    fi
done

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    if [ "$db" != postgres ]; then
        psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -c "CREATE DATABASE \"$db\"" >/dev/null
    fi
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "postgres stand-in: initialised $db for $user"
fi

exec "$@"
