#!/bin/sh
# A stand-in for the official rabbitmq image's entrypoint (docker-library/rabbitmq): started as root, it
# gives what is not rabbitmq's in /var/lib/rabbitmq to rabbitmq and drops to the rabbitmq user (the
# official one uses gosu; setpriv needs the same capabilities: DAC_OVERRIDE to walk the node's private
# directories, CHOWN for the chown, SETUID and SETGID for the drop). RABBITMQ_DEFAULT_USER and
# RABBITMQ_DEFAULT_PASS create the first user, as in the official image (written to a conf.d file
# here, for the Debian package). Started as another user (`--user`), it runs the command as that user.
set -e
if [ "$1" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
    if [ -n "${RABBITMQ_DEFAULT_USER:-}" ] && [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
        mkdir -p /etc/rabbitmq/conf.d
        # Private from the start (no chmod after the chown: that would need FOWNER).
        (umask 077 && printf 'default_user = %s\ndefault_pass = %s\n' "$RABBITMQ_DEFAULT_USER" \
            "$RABBITMQ_DEFAULT_PASS" >/etc/rabbitmq/conf.d/10-defaults.conf)
        chown rabbitmq /etc/rabbitmq/conf.d/10-defaults.conf
    fi
    find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq '{}' +
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0" "$@"
fi
exec "$@"
