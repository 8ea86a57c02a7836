#!/usr/bin/env bash
# `ok` cannot fail, so `cond && ok ... || fail ...` below is an if/else.
# shellcheck disable=SC2015,SC2154  # SC2154: dockgen and compose come from e2e_prepare (lib.sh)
# End-to-end tier: for each example app in tests/e2e/apps, run `dockgen init --yes`, build the image with
# the generated Dockerfile, bring the generated compose stack up from fresh volumes, and check the running
# system. Everything is torn down afterwards (containers, volumes, networks, the app image), also when a
# check fails, and the failing services' logs are printed.
#
# Usage: tests/e2e/run.sh [APP...]      (default: every app)
# Needs: docker (engine), root for the stand-in images (tests/e2e/images/build.sh), scripts/tools.
# Prints a closing line "N passed, M failed" (apps). Timing figures go to $E2E_RESULTS (TSV) if set.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

e2e_prepare "$repo"

if [ "$#" -gt 0 ]; then apps=("$@"); else
  mapfile -t apps < <(find tests/e2e/apps -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi

if [ "${#apps[@]}" = 0 ]; then
  echo "e2e: no example apps found in tests/e2e/apps" >&2
  exit 1
fi

# The dependency-install step of the builder stage, as BuildKit prints it.
install_step_cached() {
  local log=$1 pattern id
  pattern='uv sync --locked|pip install -r|poetry (install|export)|pipenv install|pdm sync|pip install -r /tmp/requirements.txt'
  id=$(grep -E "^#[0-9]+ \[([a-z0-9_-]+ )?builder [0-9/ ]+\] RUN .*($pattern)" "$log" | head -1 | sed -E 's/^#([0-9]+) .*/\1/')
  [ -n "$id" ] && grep -qE "^#$id CACHED" "$log"
}

teardown() {
  if [ "$failed_checks" -gt 0 ]; then
    say "logs of the stack:"
    (cd "$ctx" && "$compose" logs --no-color --tail 80 2>&1 | sed "s/^/[$app] | /") || true
  fi
  (cd "$ctx" && "$compose" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1) || true
  if [ -n "$image" ]; then docker image rm -f "$image" >/dev/null 2>&1 || true; fi
  cd "$repo"
  rm -rf "$work"
}

# Sets up one app, runs its checks, and always tears it down.
run_app() {
  local status=0
  failed_checks=0
  image=""
  work=$(mktemp -d)
  cp -r "tests/e2e/apps/$app" "$work/$app"
  dir="$work/$app"
  ctx="$dir"
  export COMPOSE_PROJECT_NAME="dockgen-e2e-${app//_/-}"
  export COMPOSE_PROGRESS=plain
  checks || status=1
  [ "$failed_checks" = 0 ] || status=1
  teardown
  return "$status"
}

checks() {
  local port started
  say "dockgen init"
  "$dockgen" init --yes "$dir" | sed "s/^/[$app]   /"
  # The files are written into the build context (the project dir dockgen detected).
  ctx="$dir/$("$dockgen" detect --json "$dir" | python3 -c 'import json, sys; print(json.load(sys.stdin)["project_dir"])')"
  cd "$ctx"
  image=$(compose_image)
  port=$(free_port)
  # .env from .env.example, with real (throwaway) secrets and a free host port.
  fill_env_example "$port"

  say "cold build"
  started=$(date +%s.%N)
  if ! "$compose" build --no-cache web >"$work/build1.log" 2>&1; then
    tail -40 "$work/build1.log" | sed "s/^/[$app] | /"; fail "docker compose build"; cd "$repo"; return 1
  fi
  cold=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  ok "image built in ${cold}s"

  say "up from fresh volumes"
  started=$(date +%s.%N)
  if ! "$compose" up -d --wait --wait-timeout 240 >"$work/up.log" 2>&1; then
    sed "s/^/[$app] | /" "$work/up.log"; fail "docker compose up --wait"; cd "$repo"; return 1
  fi
  healthy=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  ok "stack healthy in ${healthy}s"

  # Migrations: the one-shot migrate service (when generated) exited 0.
  if grep -q '^  migrate:' docker-compose.yml; then
    code=$(docker inspect --format '{{.State.ExitCode}}' "$("$compose" ps -a -q migrate)")
    [ "$code" = 0 ] && ok "migrate service exited 0" || fail "migrate exit code $code"
  fi
  # A database round trip and Redis, through the app.
  body=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/e2e/" 2>&1) || { fail "GET /e2e/: $body"; body=""; }
  body2=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/e2e/" 2>&1) || body2=""
  if python3 - "$body" "$body2" <<'PY'
import json, sys
a, b = (json.loads(x) for x in sys.argv[1:3])
assert a["redis"] == "PONG", a
assert b["db_rows"] == a["db_rows"] + 1 >= 2, (a, b)
PY
  then ok "HTTP 200 with a database round trip ($body2) and Redis PONG"; else fail "/e2e/ answered: $body / $body2"; fi
  static=$(curl -fsS --max-time 10 "http://127.0.0.1:$port/static/e2e/ok.txt" 2>&1) || true
  [ "$static" = "dockgen-static-ok" ] && ok "static file served" || fail "static file: $static"
  # Runs as a non-root uid; PID 1 is the init (tini/docker-init) or the server, never a shell.
  uid=$("$compose" exec -T web id -u | tr -d '\r')
  [ -n "$uid" ] && [ "$uid" != 0 ] && ok "web runs as uid $uid" || fail "web uid is '$uid'"
  procs=$("$compose" exec -T web python -c '
import os
def cmd(pid):
    return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode().strip()
print("1:", cmd(1))
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
    except OSError:
        continue
    if ppid == "1":
        print("child:", cmd(pid))
')
  say "processes: $(echo "$procs" | tr '\n' ';')"
  pid1=$(echo "$procs" | sed -n 's/^1: //p')
  child=$(echo "$procs" | sed -n 's/^child: //p' | head -1)
  case "$pid1" in
    */docker-init*|*tini*) case "$child" in
        *gunicorn*|*uvicorn*|*daphne*) ok "PID 1 is the init, its child the server" ;;
        *) fail "the init's child is not the server: $child" ;; esac ;;
    *gunicorn*|*uvicorn*|*daphne*) ok "PID 1 is the server" ;;
    *) fail "PID 1 is '$pid1'" ;;
  esac
  # Workers sharing the image are running.
  for w in worker beat; do
    if grep -q "^  $w:" docker-compose.yml; then
      state=$(docker inspect --format '{{.State.Status}}' "$("$compose" ps -q "$w")")
      [ "$state" = running ] && ok "$w is running" || fail "$w is $state"
    fi
  done
  # Graceful stop within the grace period, exit code 0.
  started=$(date +%s.%N)
  "$compose" stop web >/dev/null 2>&1
  stopped=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  code=$(docker inspect --format '{{.State.ExitCode}}' "$("$compose" ps -a -q web)")
  if [ "$code" = 0 ] && python3 -c "import sys; sys.exit(not $stopped < 35)"; then ok "web stopped with exit code 0 in ${stopped}s"; else fail "web stop: exit $code after ${stopped}s"; fi
  # A code-only change reuses the dependency layer.
  py=$(find . -name '*.py' -not -path './.venv/*' | head -1)
  printf '\n# touched by the e2e test\n' >>"$py"
  started=$(date +%s.%N)
  "$compose" build web >"$work/build2.log" 2>&1 || fail "rebuild"
  warm=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  install_step_cached "$work/build2.log" && ok "rebuild after touching $py: dependency install CACHED (${warm}s)" ||
    { grep -E '^#[0-9]+ (\[|CACHED)' "$work/build2.log" | sed "s/^/[$app] | /"; fail "dependency install step not CACHED after a code-only change"; }
  size=$(docker image inspect --format '{{.Size}}' "$image")
  ok "image $image: $((size / 1000000)) MB"
  if [ -n "${E2E_RESULTS:-}" ]; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$app" "$size" "$cold" "$warm" "$healthy" >>"$E2E_RESULTS"
  fi
  cd "$repo"
  [ "$failed_checks" = 0 ]
}

passed=0
failed=0
for app in "${apps[@]}"; do
  if run_app; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
