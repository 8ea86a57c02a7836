#!/bin/sh
# A stand-in for the official mariadb image's healthcheck.sh, for the two tests compose files use:
# --connect (a client connects over TCP, as the app will) and --innodb_initialized (InnoDB is up),
# as the `healthcheck` user the entrypoint created (.my-healthcheck.cnf in the data directory).
set -eu
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -r "$cnf" ] || exit 1
for test in "$@"; do
    case "$test" in
        --connect)
            mariadb --defaults-extra-file="$cnf" --protocol=tcp -h 127.0.0.1 -e 'SELECT 1' >/dev/null ;;
        --innodb_initialized)
            out=$(mariadb --defaults-extra-file="$cnf" -N -e "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'InnoDB' AND support IN ('YES', 'DEFAULT')")
            [ "$out" = 1 ] ;;
        *) echo "healthcheck.sh stand-in: unknown test $test" >&2; exit 2 ;;
    esac
done
