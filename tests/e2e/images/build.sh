#!/usr/bin/env bash
# Builds local stand-ins for exactly the image tags dockgen's templates reference, from Debian packages,
# because no registry can be reached here (and air-gapped CI is a real setting for our users):
#
#   python:3.13-slim            Debian trixie  python3.13 (+ venv, pip, and the C headers: the official image has
#                               them, and source builds such as psycopg2 or uWSGI need them), at
#                               /usr/local/bin/python like the official image, and like it without Debian's
#                               EXTERNALLY-MANAGED marker
#   python:3.11-slim            Debian bookworm python3.11
#   python:3.14-slim            Debian forky (testing) python3.14, the suite whose default python3 is 3.14
#   postgres:<major>            Debian trixie  postgresql-<major>, with the official image's POSTGRES_USER /
#                               POSTGRES_PASSWORD / POSTGRES_DB / PGDATA behaviour and pg_isready on PATH; like
#                               it, started as root, it fixes PGDATA's ownership and drops to postgres
#   redis:<major>               Debian bookworm redis-server + redis-cli, with the official image's entrypoint
#                               behaviour: started as root, chown /data to redis and drop to it
#   nginx:<minor>               Debian trixie  nginx, laid out like the official image: /etc/nginx/nginx.conf, user
#                               nginx with uid/gid 101, logs to stdout/stderr, bash for a TCP healthcheck
#   rabbitmq:<major>            Debian trixie  rabbitmq-server, with the official image's RABBITMQ_DEFAULT_USER /
#                               RABBITMQ_DEFAULT_PASS behaviour, logs on stdout, HOME at /var/lib/rabbitmq (so
#                               `rabbitmq-diagnostics -q ping` run as root reads the node's cookie) and the
#                               CLI tools on PATH without Debian's wrappers; like it, started as root, it fixes
#                               /var/lib/rabbitmq's ownership and drops to rabbitmq
#   mariadb:<major>             Debian trixie  mariadb-server, with the official image's MARIADB_ROOT_PASSWORD /
#                               MARIADB_DATABASE / MARIADB_USER / MARIADB_PASSWORD (and MYSQL_*, *_FILE)
#                               behaviour and its healthcheck.sh (--connect, --innodb_initialized); like it,
#                               started as root, it fixes /var/lib/mysql's ownership and drops to mysql
#   ghcr.io/astral-sh/uv:<ver>  /uv and /uvx from the `uv` wheel on PyPI
#
# Each base is `debootstrap --variant=minbase` then `docker import`; packages are added with a plain
# `docker build` (no BuildKit needed). The stand-ins trust this machine's CA bundle
# (/etc/ssl/certs/ca-certificates.crt) because downloads go through an intercepting proxy: that belongs
# here, never in the generated Dockerfile. Images whose tags exist are reused; FORCE=1 rebuilds them all,
# FORCE="python:3.13-slim python:3.11-slim" only those tags.
# Needs root (debootstrap), docker, python3 with pip.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cache="$repo/.tools/e2e"
mkdir -p "$cache"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

pin() { sed -n "s/^ *pub const $1: &str = \"\\(.*\\)\";/\\1/p" "$repo/src/knowledge.rs"; }
UV_VERSION=$(pin UV)
POSTGRES_MAJOR=$(pin POSTGRES)
REDIS_MAJOR=$(pin REDIS)
NGINX_VERSION=$(pin NGINX)
RABBITMQ_MAJOR=$(pin RABBITMQ)
MARIADB_MAJOR=$(pin MARIADB)
if [ -z "$UV_VERSION" ] || [ -z "$POSTGRES_MAJOR" ] || [ -z "$REDIS_MAJOR" ] || [ -z "$NGINX_VERSION" ] || [ -z "$RABBITMQ_MAJOR" ] || [ -z "$MARIADB_MAJOR" ]; then
  echo "could not read the image pins from src/knowledge.rs" >&2
  exit 1
fi

log() { printf '[images] %s\n' "$*" >&2; }

if ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing debootstrap from Debian"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  else
    echo "error: debootstrap is missing (Debian/Ubuntu: sudo apt-get install debootstrap)" >&2
    exit 1
  fi
fi
forced() { [ "${FORCE:-0}" = 1 ] || case " ${FORCE:-} " in *" $1 "*) true ;; *) false ;; esac; }
have() { ! forced "$1" && docker image inspect "$1" >/dev/null 2>&1; }

# dockgen-e2e/debian:<suite>: a minbase root file system, imported.
base() {
  local suite=$1 tag="dockgen-e2e/debian:$1"
  if have "$tag"; then return; fi
  local tarball="$cache/debian-$suite.tar"
  if [ ! -s "$tarball" ]; then
    log "debootstrap $suite (a few minutes)"
    local root
    root=$(mktemp -d "$cache/rootfs-$suite.XXXX")
    # An older debootstrap has no script for a newer suite (bookworm's 1.0.128 lacks forky); sid's
    # script bootstraps any suite newer than the last release it knows.
    local script=""
    [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
    # shellcheck disable=SC2086
    debootstrap --variant=minbase "$suite" "$root" "$mirror" $script >"$cache/debootstrap-$suite.log" 2>&1 ||
      { tail -20 "$cache/debootstrap-$suite.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  log "import $tag"
  docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' "$tarball" "$tag" >/dev/null
}

# Builds $tag from a Dockerfile given on stdin, with the CA bundle and the files after the tag in the
# context.
build() {
  local tag=$1 ctx
  ctx=$(mktemp -d)
  cp "$ca_bundle" "$ctx/ca-certificates.crt"
  cat >"$ctx/Dockerfile"
  shift
  [ "$#" -gt 0 ] && cp "$@" "$ctx/"
  log "build $tag"
  DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" >/dev/null 2>"$ctx/err" || { cat "$ctx/err" >&2; exit 1; }
  rm -rf "$ctx"
}

# The CA bundle and the variables that make pip, requests, uv and Poetry trust it.
trust='COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    UV_NATIVE_TLS=1'

python_image() {
  local minor=$1 suite=$2 tag="python:$1-slim" apt_conf=""
  if have "$tag"; then log "reuse $tag"; return; fi
  base "$suite"
  # Debian testing's Release file is valid for a week only, and the mirror here can lag behind the
  # clock: without this, apt-get update refuses forky ("Release file ... is expired").
  if [ "$suite" = forky ]; then
    apt_conf="RUN echo 'Acquire::Check-Valid-Until \"false\";' >/etc/apt/apt.conf.d/99no-check-valid-until"
  fi
  build "$tag" <<DOCKERFILE
FROM dockgen-e2e/debian:$suite
$apt_conf
RUN apt-get update \\
    && apt-get install -y --no-install-recommends ca-certificates python$minor python$minor-venv python$minor-dev python3-pip \\
    && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED \\
    && ln -s /usr/bin/pip3 /usr/local/bin/pip \\
    && ln -s /usr/bin/python$minor /usr/local/bin/python$minor \\
    && ln -s /usr/bin/python$minor /usr/local/bin/python3 \\
    && ln -s /usr/bin/python$minor /usr/local/bin/python
$trust
CMD ["python3"]
DOCKERFILE
}

postgres_image() {
  local tag="postgres:$POSTGRES_MAJOR"
  if have "$tag"; then log "reuse $tag"; return; fi
  base trixie
  build "$tag" "$repo/tests/e2e/images/postgres-entrypoint.sh" <<DOCKERFILE
FROM dockgen-e2e/debian:trixie
RUN apt-get update \\
    && apt-get install -y --no-install-recommends postgresql-$POSTGRES_MAJOR \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \\
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
$trust
ENV PATH=/usr/lib/postgresql/$POSTGRES_MAJOR/bin:\$PATH \\
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
DOCKERFILE
}

redis_image() {
  local tag="redis:$REDIS_MAJOR"
  if have "$tag"; then log "reuse $tag"; return; fi
  base bookworm
  build "$tag" "$repo/tests/e2e/images/redis-entrypoint.sh" <<DOCKERFILE
FROM dockgen-e2e/debian:bookworm
RUN apt-get update \\
    && apt-get install -y --no-install-recommends redis-server redis-tools \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /data && chown redis:redis /data
$trust
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
VOLUME /data
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]
DOCKERFILE
}

nginx_image() {
  local tag="nginx:$NGINX_VERSION"
  if have "$tag"; then log "reuse $tag"; return; fi
  base trixie
  build "$tag" <<DOCKERFILE
FROM dockgen-e2e/debian:trixie
RUN apt-get update \\
    && apt-get install -y --no-install-recommends nginx \\
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \\
    && groupadd -g 101 nginx && useradd -u 101 -g 101 -M -d /nonexistent -s /usr/sbin/nologin nginx \\
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE
}

rabbitmq_image() {
  local tag="rabbitmq:$RABBITMQ_MAJOR"
  if have "$tag"; then log "reuse $tag"; return; fi
  base trixie
  build "$tag" "$repo/tests/e2e/images/rabbitmq-entrypoint.sh" <<DOCKERFILE
FROM dockgen-e2e/debian:trixie
RUN apt-get update \\
    && apt-get install -y --no-install-recommends rabbitmq-server \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /var/lib/rabbitmq /etc/rabbitmq/conf.d \\
    && chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq
$trust
ENV PATH=/usr/lib/rabbitmq/bin:\$PATH \\
    HOME=/var/lib/rabbitmq \\
    RABBITMQ_LOGS=-
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/rabbitmq
EXPOSE 5672
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
DOCKERFILE
}

mariadb_image() {
  local tag="mariadb:$MARIADB_MAJOR"
  if have "$tag"; then log "reuse $tag"; return; fi
  base trixie
  build "$tag" "$repo/tests/e2e/images/mariadb-entrypoint.sh" "$repo/tests/e2e/images/mariadb-healthcheck.sh" <<DOCKERFILE
FROM dockgen-e2e/debian:trixie
RUN apt-get update \\
    && apt-get install -y --no-install-recommends mariadb-server mariadb-client \\
    && rm -rf /var/lib/apt/lists/* /var/lib/mysql \\
    && mkdir -p /var/lib/mysql /run/mysqld \\
    && chown mysql:mysql /var/lib/mysql /run/mysqld \\
    && printf '[mariadbd]\\nbind-address = 0.0.0.0\\nskip-name-resolve\\n' >/etc/mysql/mariadb.conf.d/99-stand-in.cnf
$trust
COPY mariadb-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY mariadb-healthcheck.sh /usr/local/bin/healthcheck.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh /usr/local/bin/healthcheck.sh
VOLUME /var/lib/mysql
EXPOSE 3306
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["mariadbd"]
DOCKERFILE
}

uv_image() {
  local tag="ghcr.io/astral-sh/uv:$UV_VERSION"
  if have "$tag"; then log "reuse $tag"; return; fi
  local d
  d=$(mktemp -d)
  log "download uv $UV_VERSION wheel"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux_2_17_x86_64 --python-version 3.11 -d "$d" "uv==$UV_VERSION"
  mkdir "$d/root"
  python3 - "$d" <<'PY'
import pathlib, sys, zipfile
d = pathlib.Path(sys.argv[1])
wheel = next(d.glob("uv-*.whl"))
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        leaf = name.rsplit("/", 1)[-1]
        if ".data/scripts/" in name and leaf in ("uv", "uvx"):
            target = d / "root" / leaf
            target.write_bytes(z.read(name))
            target.chmod(0o755)
PY
  if [ ! -x "$d/root/uv" ] || [ ! -x "$d/root/uvx" ]; then
    echo "the uv wheel had no uv/uvx binaries" >&2
    exit 1
  fi
  log "import $tag"
  tar -C "$d/root" -cf - uv uvx | docker import --change 'ENTRYPOINT ["/uv"]' - "$tag" >/dev/null
  rm -rf "$d"
}

python_image 3.13 trixie
python_image 3.11 bookworm
python_image 3.14 forky
postgres_image
redis_image
nginx_image
rabbitmq_image
mariadb_image
uv_image
log "ready: python:3.13-slim python:3.11-slim python:3.14-slim postgres:$POSTGRES_MAJOR redis:$REDIS_MAJOR nginx:$NGINX_VERSION rabbitmq:$RABBITMQ_MAJOR mariadb:$MARIADB_MAJOR ghcr.io/astral-sh/uv:$UV_VERSION"
