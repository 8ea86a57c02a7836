#!/bin/sh
# A stand-in for the official mariadb image's entrypoint (MariaDB/mariadb-docker): started as root, it
# gives the data directory to mysql and drops to it (CHOWN, DAC_OVERRIDE, SETUID and SETGID, as
# postgres's). On an empty data directory it initialises the server with MARIADB_ROOT_PASSWORD (root at
# localhost and at MARIADB_ROOT_HOST, default `%`), creates MARIADB_DATABASE and MARIADB_USER /
# MARIADB_PASSWORD with every right on that database, and the `healthcheck` user that healthcheck.sh connects as (its credentials in .my-healthcheck.cnf in the data
# directory), using a temporary server without networking (so TCP readiness means "really ready").
# VAR_FILE names a file holding VAR's value (a Docker secret in /run/secrets), and the MYSQL_* names
# are read when the MARIADB_* ones are unset, as in the official image.
set -eu
datadir=/var/lib/mysql

if [ "${1:-}" = mariadbd ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$datadir" /run/mysqld
    find "$datadir" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
    exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi

for var in ROOT_PASSWORD DATABASE USER PASSWORD; do
    eval "file=\${MARIADB_${var}_FILE:-\${MYSQL_${var}_FILE:-}}"
    if [ -n "$file" ]; then
        value=$(cat "$file")
    else
        eval "value=\${MARIADB_${var}:-\${MYSQL_${var}:-}}"
    fi
    export "MARIADB_$var=$value"
done

# A value inside single quotes in SQL: backslashes and quotes doubled.
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g")"; }
# One line of SQL (never echo: dash's echo would eat the backslashes sql_string doubled).
say() { printf '%s\n' "$*"; }
# An identifier inside backquotes.
# shellcheck disable=SC2016 # the backquotes are SQL's, not the shell's
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }

if [ "${1:-}" = mariadbd ] && [ ! -d "$datadir/mysql" ]; then
    : "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
    mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal \
        --skip-test-db >/dev/null
    socket=/run/mysqld/init.sock
    mariadbd --datadir="$datadir" --skip-networking --socket="$socket" >/dev/null 2>&1 &
    pid=$!
    tries=0
    until mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || { echo "mariadb stand-in: the init server did not start" >&2; exit 1; }
        sleep 1
    done
    health=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    {
        # The other root accounts mariadb-install-db makes (passwordless, and more specific than `%`),
        # dropped as the official image drops them.
        say "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';"
        say "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, '''');"
        say "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$MARIADB_ROOT_PASSWORD");"
        root_host=${MARIADB_ROOT_HOST:-%}
        if [ "$root_host" != localhost ]; then
            say "CREATE USER 'root'@$(sql_string "$root_host") IDENTIFIED BY $(sql_string "$MARIADB_ROOT_PASSWORD");"
            say "GRANT ALL ON *.* TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
        fi
        for host in localhost 127.0.0.1 ::1; do
            say "CREATE USER 'healthcheck'@'$host' IDENTIFIED BY '$health';"
            say "GRANT USAGE ON *.* TO 'healthcheck'@'$host';"
        done
        if [ -n "$MARIADB_DATABASE" ]; then
            say "CREATE DATABASE IF NOT EXISTS $(sql_name "$MARIADB_DATABASE");"
        fi
        if [ -n "$MARIADB_USER" ]; then
            : "${MARIADB_PASSWORD:?MARIADB_PASSWORD must be set with MARIADB_USER}"
            say "CREATE USER $(sql_string "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_string "$MARIADB_PASSWORD");"
            if [ -n "$MARIADB_DATABASE" ]; then
                say "GRANT ALL ON $(sql_name "$MARIADB_DATABASE").* TO $(sql_string "$MARIADB_USER")@'%';"
            fi
        fi
    } | mariadb --socket="$socket" -uroot
    (umask 077 && printf '[mariadb-client]\nport=3306\nsocket=/run/mysqld/mysqld.sock\nuser=healthcheck\npassword=%s\n' \
        "$health" >"$datadir/.my-healthcheck.cnf")
    mariadb-admin --socket="$socket" -uroot --password="$MARIADB_ROOT_PASSWORD" shutdown >/dev/null
    wait "$pid" || true
    echo "mariadb stand-in: initialised ${MARIADB_DATABASE:-no database} for ${MARIADB_USER:-root}"
fi

exec "$@"
