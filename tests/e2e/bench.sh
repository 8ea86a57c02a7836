#!/usr/bin/env bash
# Benchmark (prints figures; not a test): dockgen's generated image against the Dockerfiles the tutorials
# that popular tutorials teach (reproduced below), on the same stand-in base images and the same example apps:
#   (a) dockgen init's multi-stage Dockerfile
#   (b) seeds/000: single stage, build-essential + libpq-dev + postgresql-client in the final image
#   (c) seeds/004: multi-stage with `pip install --user` copied from a builder
# For each: image size, cold build (build cache pruned), warm rebuild after a code-only change, and for
# (a) the seconds from `compose up` to healthy (the tutorials' setups have no healthchecks to wait for).
# Usage: tests/e2e/bench.sh [APP...]   (default: the pip-based apps, which all three can build)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
scripts/tools >/dev/null
tests/e2e/images/build.sh
cargo build --locked --quiet
dockgen="$repo/target/debug/dockgen"
compose="$repo/.tools/bin/docker-compose"
export COMPOSE_PROGRESS=plain
apps=("$@")
[ "${#apps[@]}" -gt 0 ] || apps=(django-startproject-pip flask-microblog-pip)

now() { python3 -c 'import time; print(time.time())'; }
since() { python3 -c "import time; print(f'{time.time() - $1:.1f}')"; }

seed000() { # $1: the server command as JSON exec form
  cat <<EOF2
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN apt-get update && apt-get install -y postgresql-client build-essential libpq-dev && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /app/
RUN pip install --no-cache-dir -r requirements.txt
COPY . /app/
EXPOSE 8000
CMD $1
EOF2
}

seed004() {
  cat <<EOF2
FROM python:3.11-slim AS builder
WORKDIR /app
COPY requirements.txt .
RUN pip install --user --no-cache-dir -r requirements.txt
FROM python:3.11-slim
WORKDIR /app
COPY --from=builder /root/.local /root/.local
COPY . .
ENV PATH=/root/.local/bin:\$PATH PYTHONUNBUFFERED=1
CMD $1
EOF2
}

rows=()
for app in "${apps[@]}"; do
  for variant in dockgen seed000 seed004; do
    work=$(mktemp -d)
    cp -r "tests/e2e/corpus/$app" "$work/app"
    cd "$work/app"
    "$dockgen" init --yes . >/dev/null 2>&1
    cmd=$(sed -n 's/^CMD //p' Dockerfile)
    image="dockgen-bench-$app-$variant"
    if [ "$variant" != dockgen ]; then
      rm -f Dockerfile .dockerignore docker-compose.yml entrypoint.sh .env.example
      "$variant" "$cmd" >Dockerfile
    fi
    printf 'services:\n  web:\n    build: .\n    image: %s\n' "$image" >bench.yml
    docker builder prune -af >/dev/null
    t=$(now); "$compose" -f bench.yml build web >"$work/cold.log" 2>&1 || { tail -30 "$work/cold.log"; exit 1; }
    cold=$(since "$t")
    py=$(find . -name '*.py' | head -1); printf '\n# bench touch\n' >>"$py"
    t=$(now); "$compose" -f bench.yml build web >"$work/warm.log" 2>&1; warm=$(since "$t")
    size=$(docker image inspect --format '{{.Size}}' "$image")
    healthy="n/a"
    if [ "$variant" = dockgen ]; then
      # The .env dockgen init wrote (fresh secrets); the values it leaves empty get throwaway ones.
      sed -i -E -e "s/^([A-Z_][A-Z0-9_]*)=$/\1=bench/" -e "s/^WEB_PORT=.*/WEB_PORT=0/" .env
      sed -i "s/^  image: \".*\"/  image: \"$image\"/" docker-compose.yml
      export COMPOSE_PROJECT_NAME="dockgen-bench-$app"
      t=$(now); "$compose" up -d --wait --wait-timeout 240 >/dev/null 2>&1 && healthy=$(since "$t")
      "$compose" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
    fi
    docker image rm -f "$image" >/dev/null 2>&1 || true
    rows+=("$(printf '| %s | %s | %s MB | %s s | %s s | %s |' "$app" "$variant" "$(python3 -c "print(f'{$size / 1e6:.1f}')")" "$cold" "$warm" "$healthy")")
    cd "$repo"; rm -rf "$work"
  done
done
echo
echo "| app | Dockerfile | image size | cold build | warm rebuild (code change) | compose up -> healthy |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
