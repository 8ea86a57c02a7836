#!/bin/sh
# A stand-in for the official redis image's entrypoint (docker-library/redis): started as root, it gives
# what is not redis's in /data to redis and drops to the redis user (the official one uses gosu; setpriv
# needs the same capabilities, CHOWN for the chown, SETUID and SETGID for the drop), then sets a private
# umask. Started as another user (`--user`), it runs the command as that user.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "$(umask)" = 0022 ]; then
    umask 0077
fi
exec "$@"
