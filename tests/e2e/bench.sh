#!/usr/bin/env bash
# Benchmark (prints figures; not a test): dockgen's generated image against the multi-stage Dockerfile a
# popular Flask tutorial teaches (`pip install --user` in a builder, `/root/.local` copied into the final
# stage; reproduced below as `tutorial`), and against dockgen's own Dockerfile with every bytecode step
# taken out (`nopyc`: no compiled standard library, project modules or virtualenv), on the same stand-in
# base image and the same corpus apps. For each app and Dockerfile: cold build (BuildKit cache pruned
# first), warm rebuild after a code-only change, image size, the slowest steps of each cold build, and
# each layer of the image (size and file count, from `docker save`). For dockgen and nopyc also: seconds
# from `compose up` to every service healthy, from starting the web container to its first HTTP 200 at
# the app's page (median of 5 cold starts, the stack's db and redis up), and the import time of the
# app's WSGI/ASGI module (median of 5 fresh containers). Then one table side by side with the targets
# the issue sets: cold build at most 0.6x the tutorial's, image no larger than the tutorial's, warm
# rebuild at most 0.25x dockgen's own cold build and no slower than the tutorial's, first response at
# most 0.7x nopyc's, compose up -> healthy at most 8 s.
# The tutorial Dockerfile installs from requirements.txt: for an app that has none (a uv project), it is
# exported from the lock first (`uv export --frozen --no-dev --no-hashes`), as a user of the tutorial
# would.
# Usage: tests/e2e/bench.sh [APP...]   (default: django-celery-uv and django-startproject-pip)
# Prunes the engine's whole build cache: run it alone (flock /tmp/dockgen-docker.lock tests/e2e/bench.sh).
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

# dockgen's Dockerfile with every bytecode step taken out: the stdlib and code compiles, and the
# installer's (UV_COMPILE_BYTECODE). The stand-in base images come with a compiled standard library
# (Debian's packages compile it when installed); the official python:*-slim images delete every .pyc, so
# nopyc deletes them too where dockgen's Dockerfile compiles them. Fails loudly when the Dockerfile no
# longer has these steps.
strip_bytecode() {
  python3 - Dockerfile <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
new = re.sub(r"python -m compileall [^\n]*(\"\$\(python -c [^\n]*sysconfig[^\n]*\)\")",
             r"find \1 -name '*.pyc' -delete", text)
new = re.sub(r"\{ python -m compileall [^\n]*\|\| true; \} \\\n    && ", "", new)
new = new.replace("UV_COMPILE_BYTECODE=1", "UV_COMPILE_BYTECODE=0")
if new.count("compileall") or "-name '*.pyc' -delete" not in new:
    sys.exit("bench: the Dockerfile's bytecode steps were not found: update strip_bytecode")
open(path, "w").write(new)
PY
}

# Each layer of an image: size and number of files, from `docker save` (what the export wrote).
layers() {
  docker save "$1" | python3 -c '
import io, json, sys, tarfile
outer = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()))
manifest = json.load(outer.extractfile("manifest.json"))[0]
config = json.load(outer.extractfile(manifest["Config"]))
steps = [h.get("created_by", "")[-70:] for h in config["history"] if not h.get("empty_layer")]
for n, (name, step) in enumerate(zip(manifest["Layers"], steps)):
    inner = tarfile.open(fileobj=outer.extractfile(name))
    members = inner.getmembers()
    files = sum(1 for m in members if m.isfile())
    size = sum(m.size for m in members if m.isfile())
    print(f"    layer {n:2}: {size / 1e6:7.1f} MB {files:6} files  {step}")
'
}

# Median of numbers, one decimal (or three when below 1).
median() { python3 -c "import statistics, sys; m = statistics.median(map(float, sys.argv[1:])); print(f'{m:.3f}' if m < 1 else f'{m:.1f}')" "$@"; }

# Seconds from `compose up --no-deps web` (a new container) to the first HTTP 200 at $2 on port $1.
first_200() {
  local port=$1 page=$2 t code
  "$compose" rm -sf web >/dev/null 2>&1
  t=$(date +%s.%N)
  "$compose" up -d --no-deps web >/dev/null 2>&1
  for _ in $(seq 1 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$page" || true)
    [ "$code" = 200 ] && { since "$t"; return; }
    sleep 0.05
  done
  echo 999
}

# Seconds Python takes to import the server's module ($1, `proj.wsgi`), in a fresh web container.
import_time() {
  "$compose" run --rm --no-deps -T --entrypoint python web -c "
import importlib, time
t = time.perf_counter()
importlib.import_module('$1')
print(f'{time.perf_counter() - t:.3f}')" 2>/dev/null | tail -1
}

uv=$(uv_bin)
[ -x "$uv" ] || { echo "bench: no uv binary from the uv image" >&2; exit 1; }
rows=()
ratios=()
for app in "${apps[@]}"; do
  declare -A cold=() warm=() size=() healthy=() start=() imports=()
  # shellcheck source=/dev/null
  page=$(PAGE=/; . "tests/e2e/corpus/$app.check.sh"; echo "$PAGE")
  for variant in dockgen nopyc tutorial; do
    work=$(mktemp -d)
    cp -r "tests/e2e/corpus/$app" "$work/app"
    cd "$work/app"
    "$dockgen" init --yes . >"$out/$app-init.txt" 2>&1
    cmd=$(sed -n 's/^CMD //p' Dockerfile)
    module=$(sed -n 's/^CMD \[[^]]*"\([A-Za-z0-9_.]*\):[A-Za-z_]*".*/\1/p' Dockerfile)
    py=$(sed -n 's/^ARG PYTHON_VERSION=//p' Dockerfile)
    image="dockgen-bench-$app-$variant"
    [ "$variant" = nopyc ] && strip_bytecode
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
    size[$variant]=$(docker image inspect --format '{{.Size}}' "$image")
    echo "[$app] $variant: slowest steps of the cold build (${cold[$variant]} s):"
    slowest "$out/$app-$variant-cold.log"
    echo "[$app] $variant: layers of the image ($(python3 -c "print(f'{${size[$variant]} / 1e6:.1f}')") MB):"
    layers "$image" | tee "$out/$app-$variant-layers.txt"
    f=$(find . -name '*.py' -not -path './.venv/*' | head -1)
    printf '\n# bench touch\n' >>"$f"
    t=$(date +%s.%N)
    "$compose" -f bench.yml build web >"$out/$app-$variant-warm.log" 2>&1
    warm[$variant]=$(since "$t")
    echo "[$app] $variant: warm rebuild ${warm[$variant]} s; slowest steps:"
    slowest "$out/$app-$variant-warm.log"
    healthy[$variant]="n/a" start[$variant]="n/a" imports[$variant]="n/a"
    if [ "$variant" = dockgen ] || [ "$variant" = nopyc ]; then
      port=$(free_port)
      # The .env dockgen init wrote (fresh secrets); the values it leaves empty get throwaway ones.
      sed -i -E -e "s/^([A-Z_][A-Z0-9_]*)=$/\1=bench/" -e "s/^WEB_PORT=.*/WEB_PORT=$port/" .env
      sed -i "s/^  image: \".*\"/  image: \"$image\"/" docker-compose.yml
      export COMPOSE_PROJECT_NAME="fast-bench-$app"
      t=$(date +%s.%N)
      if "$compose" up -d --wait --wait-timeout 240 >"$out/$app-$variant-up.log" 2>&1; then
        healthy[$variant]=$(since "$t")
        starts=() times=()
        for _ in 1 2 3 4 5; do starts+=("$(first_200 "$port" "$page")"); done
        for _ in 1 2 3 4 5; do times+=("$(import_time "$module")"); done
        echo "[$app] $variant: first 200 at $page after ${starts[*]} s; import $module ${times[*]} s"
        start[$variant]=$(median "${starts[@]}")
        imports[$variant]=$(median "${times[@]}")
      fi
      "$compose" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
    fi
    docker image rm -f "$image" >/dev/null 2>&1 || true
    rows+=("$(printf '| %s | %s | %s MB | %s s | %s s | %s s | %s s | %s s |' "$app" "$variant" \
      "$(python3 -c "print(f'{${size[$variant]} / 1e6:.1f}')")" "${cold[$variant]}" "${warm[$variant]}" \
      "${start[$variant]}" "${imports[$variant]}" "${healthy[$variant]}")")
    cd "$repo"
    rm -rf "$work"
  done
  ratios+=("$(python3 - "${cold[dockgen]}" "${cold[tutorial]}" "${size[dockgen]}" "${size[tutorial]}" \
    "${warm[dockgen]}" "${warm[tutorial]}" "${start[dockgen]}" "${start[nopyc]}" "${healthy[dockgen]}" <<PY
import sys
def num(x):
    try:
        return float(x)
    except ValueError:
        return float("nan")
c, tc, s, ts, w, tw, st, nst, h = map(num, sys.argv[1:])
ok = lambda b: "met" if b else "MISSED"
print(f"| $app | {c / tc:.2f}x ({ok(c <= 0.6 * tc)}) | {s / ts:.2f}x ({ok(s <= ts)}) "
      f"| {w / c:.2f}x ({ok(w <= 0.25 * c)}) | {w:.1f} s vs {tw:.1f} s ({ok(w <= tw)}) "
      f"| {st / nst:.2f}x ({ok(st <= 0.7 * nst)}) | {h:.1f} s ({ok(h <= 8)}) |")
PY
)")
  unset cold warm size healthy start imports
done
echo
echo "| app | Dockerfile | image size | cold build | warm rebuild (code change) | docker run -> first 200 (median of 5) | import of the app module (median of 5) | compose up -> healthy |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| app | cold build vs tutorial (<= 0.6x) | image vs tutorial (<= 1x) | warm vs own cold (<= 0.25x) | warm vs tutorial's warm (<=) | first 200 vs nopyc (<= 0.7x) | up -> healthy (<= 8 s) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ratios[@]}"
echo
echo "logs: $out"
