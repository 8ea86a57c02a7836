#!/usr/bin/env bash
# Benchmark (prints figures; not a test): dockgen's generated image against the multi-stage Dockerfile a
# popular Flask tutorial teaches (`pip install --user` in a builder, `/root/.local` copied into the final
# stage; reproduced below as `tutorial`), on the same stand-in base image and the same corpus apps.
# For each app and Dockerfile: cold build (BuildKit cache pruned first), warm rebuild after a code-only
# change, image size, the slowest steps of each cold build; for dockgen also the seconds from
# `compose up` to every service healthy. Then the ratios the issue sets as targets: cold build at most 0.6x the
# tutorial's, image no larger than the tutorial's, warm rebuild at most 0.25x dockgen's own cold build.
# The tutorial Dockerfile installs from requirements.txt: for an app that has none (a uv project), it is
# exported from the lock first (`uv export --frozen --no-dev --no-hashes`), as a user of the tutorial
# would.
# Usage: tests/e2e/bench.sh [APP...]   (default: django-celery-uv and django-startproject-pip)
# Prunes the engine's whole build cache: run it alone (the e2e lock: flock /tmp/dockgen-corpus.lock).
# shellcheck disable=SC2154  # dockgen and compose come from e2e_prepare (lib.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh
app=bench
e2e_prepare "$repo"
export COMPOSE_PROGRESS=plain
apps=("$@")
[ "${#apps[@]}" -gt 0 ] || apps=(django-celery-uv django-startproject-pip)
out=${BENCH_OUT:-/tmp/dockgen-bench}
rm -rf "$out" && mkdir -p "$out"

# The tutorial's multi-stage Dockerfile, on dockgen's Python version. $1: version, $2: CMD (exec form).
tutorial() {
  cat <<EOF
FROM python:$1-slim AS builder
WORKDIR /app
COPY requirements.txt .
RUN pip install --user --no-cache-dir -r requirements.txt
FROM python:$1-slim
WORKDIR /app
COPY --from=builder /root/.local /root/.local
COPY . .
ENV PATH=/root/.local/bin:\$PATH PYTHONUNBUFFERED=1
CMD $2
EOF
}

# uv, out of the stand-in uv image (a glibc binary; it runs on this host), for `uv export`.
uv_bin() {
  local pin c
  pin=$(sed -n 's/.*pub const UV: &str = "\(.*\)";/\1/p' "$repo/src/knowledge.rs")
  if [ ! -x "$out/uv" ]; then
    c=$(docker create "ghcr.io/astral-sh/uv:$pin")
    docker cp "$c:/uv" "$out/uv" >/dev/null
    docker rm "$c" >/dev/null
  fi
  echo "$out/uv"
}

# The slowest steps of a BuildKit plain log: "12.3s  [builder 5/6] RUN ...".
slowest() {
  python3 - "$1" <<'PY'
import re, sys
names, times = {}, {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^#(\d+) (\[.*)$", line.rstrip())
    if m and m.group(1) not in names:
        names[m.group(1)] = m.group(2)[:90]
    m = re.match(r"^#(\d+) DONE ([0-9.]+)s$", line.rstrip())
    if m:
        times[m.group(1)] = float(m.group(2))
for step, t in sorted(times.items(), key=lambda x: -x[1])[:5]:
    if step in names:
        print(f"    {t:5.1f}s  {names[step]}")
PY
}

uv=$(uv_bin)
[ -x "$uv" ] || { echo "bench: no uv binary from the uv image" >&2; exit 1; }
rows=()
ratios=()
for app in "${apps[@]}"; do
  declare -A cold=() warm=() size=()
  for variant in dockgen tutorial; do
    work=$(mktemp -d)
    cp -r "tests/e2e/corpus/$app" "$work/app"
    cd "$work/app"
    "$dockgen" init --yes . >"$out/$app-init.txt" 2>&1
    cmd=$(sed -n 's/^CMD //p' Dockerfile)
    py=$(sed -n 's/^ARG PYTHON_VERSION=//p' Dockerfile)
    image="dockgen-bench-$app-$variant"
    if [ "$variant" = tutorial ]; then
      if [ ! -f requirements.txt ]; then
        "$uv" export --frozen --no-dev --no-hashes --no-emit-project --quiet -o requirements.txt
      fi
      rm -f Dockerfile .dockerignore docker-compose.yml entrypoint.sh .env.example
      tutorial "$py" "$cmd" >Dockerfile
    fi
    printf 'services:\n  web:\n    build: .\n    image: %s\n' "$image" >bench.yml
    docker builder prune -af >/dev/null
    t=$(date +%s.%N)
    "$compose" -f bench.yml build web >"$out/$app-$variant-cold.log" 2>&1 || { tail -30 "$out/$app-$variant-cold.log"; exit 1; }
    cold[$variant]=$(since "$t")
    f=$(find . -name '*.py' -not -path './.venv/*' | head -1)
    printf '\n# bench touch\n' >>"$f"
    t=$(date +%s.%N)
    "$compose" -f bench.yml build web >"$out/$app-$variant-warm.log" 2>&1
    warm[$variant]=$(since "$t")
    size[$variant]=$(docker image inspect --format '{{.Size}}' "$image")
    healthy="n/a"
    echo "[$app] slowest steps of the $variant cold build (${cold[$variant]} s):"
    slowest "$out/$app-$variant-cold.log"
    if [ "$variant" = dockgen ]; then
      # The .env dockgen init wrote (fresh secrets); the values it leaves empty get throwaway ones.
      sed -i -E -e "s/^([A-Z_][A-Z0-9_]*)=$/\1=bench/" -e "s/^WEB_PORT=.*/WEB_PORT=0/" .env
      sed -i "s/^  image: \".*\"/  image: \"$image\"/" docker-compose.yml
      export COMPOSE_PROJECT_NAME="dockgen-bench-$app"
      t=$(date +%s.%N)
      "$compose" up -d --wait --wait-timeout 240 >"$out/$app-up.log" 2>&1 && healthy="$(since "$t") s"
      "$compose" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
    fi
    docker image rm -f "$image" >/dev/null 2>&1 || true
    rows+=("$(printf '| %s | %s | %s MB | %s s | %s s | %s |' "$app" "$variant" \
      "$(python3 -c "print(f'{${size[$variant]} / 1e6:.1f}')")" "${cold[$variant]}" "${warm[$variant]}" "$healthy")")
    cd "$repo"
    rm -rf "$work"
  done
  ratios+=("$(python3 -c "
c, tc, s, ts, w = ${cold[dockgen]}, ${cold[tutorial]}, ${size[dockgen]}, ${size[tutorial]}, ${warm[dockgen]}
ok = lambda b: 'met' if b else 'MISSED'
print(f'| $app | {c / tc:.2f}x ({ok(c <= 0.6 * tc)}) | {s / ts:.2f}x ({ok(s <= ts)}) | {w / c:.2f}x ({ok(w <= 0.25 * c)}) |')
")")
  unset cold warm size
done
echo
echo "| app | Dockerfile | image size | cold build | warm rebuild (code change) | compose up -> healthy |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| app | cold build vs tutorial (target <= 0.6x) | image size vs tutorial (target <= 1x) | warm rebuild vs own cold (target <= 0.25x) |"
echo "|---|---|---|---|"
printf '%s\n' "${ratios[@]}"
echo
echo "logs: $out"
