# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154,SC2015  # SC2015: `ok` cannot fail, so `a && ok || fail` is an if/else; the variables are the callers' (app) or for the callers (dockgen, compose)
# Helpers of the end-to-end runner (tests/e2e/corpus.sh) and the benchmark. Sourced, not run.
# The caller sets `app` (the app being checked) and `failed_checks` (a counter) before using say/ok/fail.

# `ok` cannot fail, so `cond && ok ... || fail ...` in the runners is an if/else.
say() { printf '[%s] %s\n' "$app" "$*"; }
fail() { say "FAIL: $*"; failed_checks=$((failed_checks + 1)); }
ok() { say "ok: $*"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Seconds since a `date +%s.%N` stamp, one decimal.
since() { python3 -c "import time; print(f'{time.time() - $1:.1f}')"; }

# Builds what every runner needs: the linters and compose binary, the stand-in images, dockgen itself.
# Sets `dockgen` and `compose`.
e2e_prepare() {
  local repo=$1
  "$repo/scripts/tools" >/dev/null
  "$repo/tests/e2e/images/build.sh"
  (cd "$repo" && cargo build --locked --quiet)
  dockgen="${CARGO_TARGET_DIR:-$repo/target}/debug/dockgen"
  compose="$repo/.tools/bin/docker-compose"
}

# Completes the .env that `dockgen init` wrote, as a user does after reading init's output: every
# value it left empty (a value the app requires that dockgen cannot know) gets a throwaway one, and
# WEB_PORT the given free port. The secrets are the ones init generated; nothing is uncommented.
# The values the .env `dockgen init` wrote leaves empty are what a user would have to type before the
# stack starts: each is typed here (`e2e-value`), counted and named in "$out/typed.txt" (the runner
# reports them per app; dockgen's goal is zero). WEB_PORT is only the host port the runner picks.
fill_required_env() {
  local port=$1 names
  names=$(sed -n -E 's/^([A-Z_][A-Z0-9_]*)=$/\1/p' .env | tr '\n' ' ' | sed 's/ $//')
  printf '%s\t%s\n' "$(printf '%s' "$names" | wc -w)" "$names" >"$out/typed.txt"
  if [ -n "$names" ]; then
    say "values typed by hand into .env: $(printf '%s' "$names" | wc -w) ($names): dockgen named them as required"
  else
    ok "no value typed by hand: the .env dockgen init wrote is used as it is"
  fi
  sed -i -E \
    -e "s/^([A-Z_][A-Z0-9_]*)=$/\1=e2e-value/" \
    -e "s/^WEB_PORT=.*/WEB_PORT=$port/" \
    .env
}

# The image name compose tags the build with (the generated file quotes it).
compose_image() {
  python3 - <<'PY'
import re
text = open("docker-compose.yml").read()
m = re.search(r'^  image: "?([^"\n]+)"?$', text, re.M)
print(m.group(1) if m else "")
PY
}

# The dependency-install step (of the builder stage, or of the runtime stage when the Dockerfile has no
# builder), as BuildKit prints it, was CACHED in the log $1.
install_step_cached() {
  local log=$1 pattern id
  pattern='uv sync|pip install|poetry (install|export)|pipenv install|pdm sync'
  id=$(grep -E "^#[0-9]+ \[([a-z0-9_-]+ )?(builder|runtime) [0-9/ ]+\] RUN .*($pattern)" "$log" | head -1 | sed -E 's/^#([0-9]+) .*/\1/')
  [ -n "$id" ] && grep -qE "^#$id CACHED" "$log"
}

# The web container's user cannot write its code (/app) or the virtualenv (/opt/venv), except the
# directories the generated Dockerfile makes writable (`install -d -o UID ...`, each listed in a comment
# there), which must exist and be writable. Decided from the kernel's permission rules (owner, group,
# others bits against the process's uid and groups) for every file and directory, so a read-only root
# file system in compose cannot hide a regression; plus a real write probe at the top of each tree.
writable_check() {
  local allowed result seen bad first missing
  allowed=$(sed -n 's/.*install -d -o [0-9]* -g [0-9]* //p' Dockerfile | tr -d "'" | head -1)
  result=$("$compose" exec -T web python -c '
import os, stat, sys
uid, gids = os.getuid(), set(os.getgroups()) | {os.getgid()}
allowed = sys.argv[1].split()
def can_write(st):
    if uid == 0:
        return True
    if st.st_uid == uid:
        return bool(st.st_mode & 0o200)
    if st.st_gid in gids:
        return bool(st.st_mode & 0o020)
    return bool(st.st_mode & 0o002)
inside = lambda p: any(p == a or p.startswith(a + "/") for a in allowed)
seen, bad = 0, []
for top in ("/app", "/opt/venv"):
    probe = os.path.join(top, ".e2e-write-probe")
    try:
        open(probe, "w").close()
        os.unlink(probe)
        bad.append(probe + "(created)")
    except OSError:
        pass
    for d, dirs, files in os.walk(top):
        if inside(d):
            dirs[:] = []
            continue
        for path in [d] + [os.path.join(d, f) for f in files]:
            st = os.lstat(path)
            seen += 1
            if not stat.S_ISLNK(st.st_mode) and can_write(st):
                bad.append(path)
missing = [a for a in allowed if not (os.path.isdir(a) and can_write(os.stat(a)))]
print(seen, len(bad), ",".join(bad[:4]) or "-", ",".join(missing) or "-")
' "$allowed" | tr -d '\r')
  read -r seen bad first missing <<<"$result"
  if [ "${seen:-0}" -gt 0 ] 2>/dev/null && [ "$bad" = 0 ] && [ "$missing" = - ]; then
    ok "web cannot write its code or venv ($seen paths under /app and /opt/venv checked; writable: ${allowed:-none})"
  else
    fail "web can write ${bad:-?} paths it should not (${first:-?}); writable dirs missing or read-only: ${missing:-?} (output: '$result')"
  fi
}

# What every generated stack must do at run time, whatever the app (run from the build context, with
# the stack up): web runs as a non-root uid and cannot write its code (writable_check); PID 1 is the init with the server as its child (or the
# server); `compose stop` ends web with exit code 0 within the grace period; and a rebuild after touching
# a .py file reuses the dependency layer. $1: a directory for the rebuild's log.
# The image was compiled at build time (the Dockerfile's bytecode steps), so no process compiles them
# again at start: the standard library's json has bytecode (the stand-in bases come with Debian's, which
# the compile keeps; the official images have none, and get `unchecked-hash` bytecode), and every module
# under /app that compiles has `unchecked-hash` bytecode beside it (flags 1 in the .pyc header).
bytecode_check() {
  local result
  result=$("$compose" exec -T web python -c '
import importlib.util, json, os
def flags(src):
    with open(importlib.util.cache_from_source(src), "rb") as f:
        return int.from_bytes(f.read(8)[4:8], "little")
bad, n = [], 0
for top, _, files in os.walk("/app"):
    for name in files:
        if name.endswith(".py"):
            n += 1
            path = os.path.join(top, name)
            try:
                if flags(path) != 1:
                    bad.append(path + " (not unchecked-hash)")
            except OSError:
                try:
                    compile(open(path, "rb").read(), path, "exec")
                except (SyntaxError, ValueError):
                    n -= 1  # not Python that compiles (a template named .py): left to fail at import
                else:
                    bad.append(path + " (no .pyc)")
print(int(flags(json.__file__) in (0, 1)), n, len(bad), " ".join(bad[:3]))
' 2>&1 | tail -1)
  read -r stdlib n nbad first <<<"$result"
  if [ "$stdlib" = 1 ] && [ "$nbad" = 0 ] && [ "${n:-0}" -gt 0 ]; then
    ok "bytecode: the standard library and all $n modules under /app are compiled (unchecked-hash)"
  else
    fail "bytecode: stdlib json compiled: '$stdlib', $nbad of $n modules under /app not compiled: $first"
  fi
}

runtime_checks() {
  local logs=$1 uid procs pid1 child started stopped code py warm
  uid=$("$compose" exec -T web id -u | tr -d '\r')
  [ -n "$uid" ] && [ "$uid" != 0 ] && ok "web runs as uid $uid" || fail "web uid is '$uid'"
  writable_check
  bytecode_check
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
  pid1=$(echo "$procs" | sed -n 's/^1: //p')
  child=$(echo "$procs" | sed -n 's/^child: //p' | head -1)
  case "$pid1" in
    */docker-init*|*tini*) case "$child" in
        *gunicorn*|*uvicorn*|*daphne*) ok "PID 1 is the init, its child the server" ;;
        *) fail "the init's child is not the server: $child" ;; esac ;;
    *gunicorn*|*uvicorn*|*daphne*) ok "PID 1 is the server" ;;
    *) fail "PID 1 is '$pid1'" ;;
  esac
  started=$(date +%s.%N)
  "$compose" stop web >/dev/null 2>&1
  stopped=$(since "$started")
  code=$(docker inspect --format '{{.State.ExitCode}}' "$("$compose" ps -a -q web)")
  # Graceful means it handled SIGTERM before the grace period ran out: exit 0 (gunicorn, uvicorn's
  # supervisor), or 143 from a single uvicorn process, which re-raises SIGTERM after its graceful
  # shutdown. 137 would be the SIGKILL that follows a grace period that ran out.
  if { [ "$code" = 0 ] || [ "$code" = 143 ]; } && python3 -c "import sys; sys.exit(not $stopped < 35)"; then
    ok "web stopped gracefully (exit code $code) in ${stopped}s"
  else
    fail "web stop: exit $code after ${stopped}s"
  fi
  py=$(find . -name '*.py' -not -path './.venv/*' | head -1)
  printf '\n# touched by the e2e test\n' >>"$py"
  started=$(date +%s.%N)
  "$compose" build web >"$logs/rebuild.log" 2>&1 || fail "rebuild"
  warm=$(since "$started")
  install_step_cached "$logs/rebuild.log" && ok "rebuild after touching $py: dependency install CACHED (${warm}s)" ||
    fail "dependency install step not CACHED after a code-only change (see $logs/rebuild.log)"
}

# The web healthcheck and $PORT, with the stack's web service stopped (after runtime_checks; db and the
# others still up). $1: the directory dockgen init ran on. Checks that:
# - web's healthcheck was the HTTP probe and passed while the stack was up (its health log);
# - a platform's PORT moves the server: web run with PORT=9000 becomes healthy and answers on 9000,
#   and nothing listens on the planned port any more;
# - with a health path that fails (regenerated with --health-path on a path the app lacks), the probe
#   requests it and fails, saying what the path answered.
port_and_health_checks() {
  local initdir=$1 cid test_ log status deadline planned
  cid=$("$compose" ps -a -q web)
  test_=$(docker inspect --format '{{json .Config.Healthcheck.Test}}' "$cid")
  log=$(docker inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{end}}' "$cid")
  case "$test_" in
    *http.client*) case " $log" in *" 0 "*) ok "web's healthcheck is an HTTP request, and it passed (exit codes: $log)" ;;
        *) fail "web's HTTP healthcheck never passed (exit codes: $log)" ;; esac ;;
    *) fail "web's healthcheck is not an HTTP request: $test_" ;;
  esac
  planned=$(sed -n 's/^EXPOSE //p' Dockerfile)
  cid=$("$compose" run -d --no-deps -e PORT=9000 web 2>/dev/null | tail -1)
  deadline=$(( $(date +%s) + 90 ))
  status=starting
  while [ "$status" != healthy ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 2
    status=$(docker inspect --format '{{.State.Health.Status}}' "$cid" 2>/dev/null || echo gone)
  done
  if [ "$status" = healthy ] && docker exec "$cid" python -c "import http.client; c = http.client.HTTPConnection('127.0.0.1', 9000, timeout=5); c.request('GET', '/'); print(c.getresponse().status)" >/dev/null 2>&1 &&
    ! docker exec "$cid" python -c "import socket; socket.create_connection(('127.0.0.1', $planned), 2)" >/dev/null 2>&1; then
    ok "with PORT=9000 web listens on 9000 (not $planned) and its healthcheck follows"
  else
    fail "with PORT=9000: web is $status; see: docker logs of the run container"
    docker logs "$cid" 2>&1 | tail -10 | sed "s/^/[$app] | /"
  fi
  docker rm -f "$cid" >/dev/null 2>&1 || true
  "$dockgen" init --yes --force --health-path /no-such-page-e2e/ "$initdir" >/dev/null 2>&1 || fail "dockgen init --health-path"
  "$compose" up -d --no-deps --no-build web >/dev/null 2>&1 || fail "web up with a failing health path"
  cid=$("$compose" ps -a -q web)
  deadline=$(( $(date +%s) + 60 ))
  log=""
  while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 3
    log=$(docker inspect --format '{{range .State.Health.Log}}{{.ExitCode}}:{{.Output}}|{{end}}' "$cid")
    case "$log" in *"1:GET /no-such-page-e2e/ answered 404"*) break ;; esac
  done
  case "$log" in
    *"1:GET /no-such-page-e2e/ answered 404"*) ok "a failing health path fails the healthcheck (GET /no-such-page-e2e/ answered 404)" ;;
    *) fail "the healthcheck on a missing path did not fail: $(printf '%s' "$log" | cut -c1-300)" ;;
  esac
  "$compose" stop web >/dev/null 2>&1 || true
}

# `dockgen init` wrote .env with fresh secrets, readable by its owner only, and .env.example has none.
env_file_checks() {
  local mode
  if [ ! -f .env ]; then fail "dockgen init wrote no .env"; return; fi
  mode=$(stat -c %a .env)
  [ "$mode" = 600 ] && ok ".env written by dockgen init, mode 600" || fail ".env has mode $mode, not 600"
  # The generated database's password: Postgres's, or MariaDB's two (the app's user and root).
  local names=(POSTGRES_PASSWORD) name
  if grep -qE '^    image: "?mariadb:' docker-compose.yml; then names=(MARIADB_PASSWORD MARIADB_ROOT_PASSWORD); fi
  for name in "${names[@]}"; do
    grep -qE "^$name=[A-Za-z0-9_-]{40,}\$" .env && ok ".env has a generated $name" ||
      fail ".env has no generated $name"
  done
  if grep -E '^[A-Z_]*(PASSWORD|SECRET|_KEY|TOKEN)[A-Z_]*=.' .env.example >/dev/null; then
    fail ".env.example carries secret values: $(grep -E '^[A-Z_]*(PASSWORD|SECRET|_KEY|TOKEN)[A-Z_]*=.' .env.example | cut -d= -f1 | tr '\n' ' ')"
  else
    ok ".env.example carries no secret value"
  fi
}

# Least privilege, on every app service (web, migrate, workers) and on db and redis, as the engine
# applied it (docker inspect), and inside the running web container as the kernel sees it: no
# capability in the bounding set, no_new_privs set, a root file system that even root cannot write, a
# writable /tmp, and memory and CPU limits. $1: the app's image.
hardening_checks() {
  local image=$1 c name svc cfg status capbnd nnp capdrop capadd ro secopt mem cpus
  for c in $("$compose" ps -a -q); do
    cfg=$(docker inspect --format '{{.Config.Image}}|{{index .Config.Labels "com.docker.compose.service"}}|{{json .HostConfig.CapDrop}}|{{json .HostConfig.CapAdd}}|{{.HostConfig.ReadonlyRootfs}}|{{json .HostConfig.SecurityOpt}}|{{.HostConfig.Memory}}|{{.HostConfig.NanoCpus}}' "$c")
    IFS='|' read -r name svc capdrop capadd ro secopt mem cpus <<<"$cfg"
    case "$capdrop" in *'"ALL"'*) ;; *) fail "$svc: cap_drop is $capdrop, not ALL"; continue ;; esac
    case "$secopt" in *no-new-privileges*) ;; *) fail "$svc: no no-new-privileges ($secopt)"; continue ;; esac
    if [ "$name" = "$image" ]; then
      [ "$capadd" = null ] || [ "$capadd" = '[]' ] || { fail "$svc adds capabilities: $capadd"; continue; }
      [ "$ro" = true ] || { fail "$svc: root file system is writable (read_only: $ro)"; continue; }
      [ "$mem" -gt 0 ] && [ "$cpus" -gt 0 ] || { fail "$svc: no memory/CPU limit (memory $mem, NanoCpus $cpus)"; continue; }
      ok "$svc: cap_drop ALL, no-new-privileges, read-only root, limits $((mem / 1048576))MiB / $(python3 -c "print($cpus / 1e9)") CPUs"
    else
      ok "$svc: cap_drop ALL (adds back $capadd), no-new-privileges"
    fi
  done
  status=$("$compose" exec -T web cat /proc/1/status | tr -d '\r')
  capbnd=$(echo "$status" | sed -n 's/^CapBnd:\s*//p'); nnp=$(echo "$status" | sed -n 's/^NoNewPrivs:\s*//p')
  [ "$capbnd" = 0000000000000000 ] && [ "$(echo "$status" | sed -n 's/^CapEff:\s*//p')" = 0000000000000000 ] &&
    ok "web PID 1: no capabilities (CapBnd and CapEff empty)" || fail "web PID 1: CapBnd $capbnd"
  [ "$nnp" = 1 ] && ok "web PID 1: NoNewPrivs 1" || fail "web PID 1: NoNewPrivs '$nnp'"
  if "$compose" exec -T -u 0 web sh -c 'echo x >/e2e-root-write-probe' >/dev/null 2>&1; then
    fail "root can write to web's root file system"
  else
    ok "writing to web's root file system fails, even as root"
  fi
  "$compose" exec -T web sh -c 'echo x >/tmp/e2e-probe && rm /tmp/e2e-probe' && ok "web can write to /tmp" ||
    fail "web cannot write to /tmp"
}

# No value of .env is in the built image: `docker save` writes the layers uncompressed, so a secret in
# any file of any layer (.env copied in, a value baked into ENV) shows up verbatim. Only values long
# enough to be secrets are searched (a port or `app` would match by chance). $1: the image, $2: a work dir.
secrets_not_in_image_check() {
  local image=$1 dir=$2 n
  sed -n -E 's/^[A-Z_][A-Z0-9_]*=(.{16,})$/\1/p' .env >"$dir/secrets"
  n=$(wc -l <"$dir/secrets")
  if [ "$n" = 0 ]; then fail "no secret in .env to look for"; return; fi
  docker save "$image" -o "$dir/image.tar" || { fail "docker save $image"; return; }
  if grep -a -F -q -f "$dir/secrets" "$dir/image.tar"; then
    fail "a value from .env is in the image's layers ($image)"
  else
    ok "none of the $n secret values of .env is in the image's layers ($(du -m "$dir/image.tar" | cut -f1) MB scanned)"
  fi
  rm -f "$dir/image.tar" "$dir/secrets"
}

# Django's deployment checklist, in the web container with the generated settings and .env: the findings
# dockgen controls (DEBUG: W018, SECRET_KEY strength: W009, ALLOWED_HOSTS: W020) must not appear; the
# others come from the project's own settings (HSTS, SSL redirect, secure cookies) and are listed.
django_deploy_check() {
  local out ids ours
  out=$("$compose" exec -T web python manage.py check --deploy 2>&1 | tr -d '\r') || true
  if ! echo "$out" | grep -qE 'System check identified|no issues'; then
    fail "manage.py check --deploy did not run: $(echo "$out" | tail -3 | tr '\n' ' ')"; return
  fi
  ids=$(echo "$out" | grep -oE '\((security|[a-z_]+)\.[EW][0-9]+\)' | tr -d '()' | sort -u | tr '\n' ' ')
  ours=$(echo "$ids" | grep -oE 'security\.W0(09|18|20)' | tr '\n' ' ')
  if [ -n "$ours" ]; then
    fail "check --deploy: $ours (DEBUG, SECRET_KEY or ALLOWED_HOSTS, which dockgen's setup controls)"
  else
    ok "check --deploy: DEBUG, SECRET_KEY and ALLOWED_HOSTS pass; the project's own settings leave: ${ids:-nothing}"
  fi
}

# The dev profile runs as the host user that owns the source: .env's DEV_UID/DEV_GID (set here to a
# user other than the image's, as on a developer's machine), files it creates in the bind mount belong
# to that user, and a Django app runs with DEBUG on.
dev_profile_check() {
  local framework=$1 out owner
  sed -i -E -e 's/^DEV_UID=.*/DEV_UID=4321/' -e 's/^DEV_GID=.*/DEV_GID=4321/' .env
  # The dev profile bind-mounts the build context at /app (the server may run from a subdirectory).
  chown -R 4321:4321 .
  out=$("$compose" --profile dev run --rm --no-deps -T dev sh -c 'id -u; touch /app/e2e-made-by-dev' 2>&1 | tr -d '\r')
  owner=$(stat -c %u:%g e2e-made-by-dev 2>/dev/null || echo none)
  rm -f e2e-made-by-dev
  chown -R 0:0 .
  [ "$(echo "$out" | tail -1)" = 4321 ] && [ "$owner" = 4321:4321 ] &&
    ok "dev runs as the host user (uid 4321), files it creates belong to it" ||
    fail "dev profile: uid $(echo "$out" | tail -1), file owner $owner"
  if [ "$framework" = django ]; then
    out=$("$compose" --profile dev run --rm --no-deps -T dev python manage.py shell -c 'from django.conf import settings; print("DEBUG", settings.DEBUG)' 2>&1 | tr -d '\r')
    case "$out" in *"DEBUG True"*) ok "dev runs with DEBUG on" ;; *) fail "dev DEBUG: $(echo "$out" | tail -2 | tr '\n' ' ')" ;; esac
  fi
}

# ---- dockgen verify

# A summary of a `dockgen verify --json` report ($1): `ok` or the failed steps with their first hint,
# then each step's name and seconds (tab-separated lines after the first).
verify_summary() {
  python3 - "$1" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"no report ({e})"); sys.exit()
failed = [s for s in r["steps"] if s["status"] == "failed"]
print("ok" if r["ok"] else "; ".join(f'{s["name"]}: {s["detail"]}' + (f' (hint: {s["hints"][0]})' if s["hints"] else "") for s in failed))
PY
}

# Seconds of the named steps of a verify report ($1), summed ($2...: step names).
verify_seconds() {
  python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f'{sum(s["seconds"] for s in r["steps"] if s["name"] in sys.argv[2:]):.1f}')
PY
}

# Whether the verify report $1 has a failed step named $2 with a hint containing $3.
verify_failed_with() {
  python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
name, text = sys.argv[2], sys.argv[3]
sys.exit(not (not r["ok"] and any(s["status"] == "failed" and s["name"] == name and any(text in h for h in s["hints"]) for s in r["steps"])))
PY
}

# Runs `dockgen verify --json` on the app (from the build context) into $out/verify-$1.json; returns
# its exit code. Sets `verify_project` to the throwaway project's name.
run_verify() {
  local name=$1 code=0
  "$dockgen" verify --json --compose "$compose" . >"$out/verify-$name.json" 2>"$out/verify-$name.err" || code=$?
  verify_project=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["project"])' "$out/verify-$name.json" 2>/dev/null || echo "")
  return "$code"
}

# Nothing of a verify run is left: no container, network or volume of its project, no image tag.
verify_left_nothing() {
  local p=$1 left
  [ -n "$p" ] || { fail "verify printed no project name"; return; }
  left=$( { docker ps -aq --filter "label=com.docker.compose.project=$p"
            docker volume ls -q --filter "label=com.docker.compose.project=$p"
            docker network ls -q --filter "label=com.docker.compose.project=$p"
            docker images -q "$p-app"; } | wc -l)
  [ "$left" = 0 ] && ok "verify's project $p left nothing behind" || fail "verify's project $p left $left containers/volumes/networks/images"
}

# `dockgen verify` on the app, from the build context, while the runner's own stack is up: it passes,
# leaves the runner's stack as it was (same web container, still healthy), and leaves nothing of its
# own. Records t_verify (wall time) and t_verify_up (its build + up --wait steps: what
# `docker compose up --build --wait` does), for the timings.
verify_check() {
  local started web_before web_after health
  web_before=$("$compose" ps -q web)
  started=$(date +%s.%N)
  if run_verify pass; then
    t_verify=$(since "$started")
    t_verify_up=$(verify_seconds "$out/verify-pass.json" build "up --wait")
    ok "dockgen verify passed in ${t_verify}s (build + up --wait ${t_verify_up}s)"
  else
    t_verify=$(since "$started")
    fail "dockgen verify (${t_verify}s): $(verify_summary "$out/verify-pass.json" | head -1)"
    tail -5 "$out/verify-pass.err" | sed "s/^/[$app] | /"
  fi
  web_after=$("$compose" ps -q web)
  health=$(docker inspect --format '{{.State.Health.Status}}' "$web_after" 2>/dev/null || echo gone)
  [ "$web_before" = "$web_after" ] && [ "$health" = healthy ] &&
    ok "the runner's own stack is untouched by verify (same web container, $health)" ||
    fail "verify touched the runner's stack: web $web_before -> $web_after ($health)"
  verify_left_nothing "$verify_project"
}

# Broken variants of the app's generated setup, each made by editing the generated files or .env
# (restored afterwards): verify must fail at the right check with the right hint.
#   - a required value left empty (POSTGRES_PASSWORD in .env): the compose file does not resolve;
#   - a migration that fails (the migrate command given an app label that does not exist);
#   - an app that silently uses SQLite (its DATABASE_URL pointed at a SQLite file in /tmp, WAIT_FOR_DB=0
#     in .env): no tables in Postgres;
#   - a worker that cannot reach its broker (CELERY_BROKER_URL at a host that does not exist).
# Each variant reuses the image cache of the runner's build.
verify_variants() {
  local started
  cp .env "$work/env.orig"; cp docker-compose.yml "$work/compose.orig"
  variant() {
    local name=$1 step=$2 hint=$3
    if cmp -s .env "$work/env.orig" && cmp -s docker-compose.yml "$work/compose.orig"; then
      fail "the edit that makes the variant '$name' changed nothing"; return
    fi
    started=$(date +%s.%N)
    if run_verify "$name"; then
      fail "verify passed on the broken variant '$name'"
    elif verify_failed_with "$out/verify-$name.json" "$step" "$hint"; then
      ok "verify fails on '$name' at \"$step\" with the hint ($(since "$started")s)"
    else
      fail "verify on '$name': expected \"$step\" to fail with a hint containing \"$hint\"; got: $(verify_summary "$out/verify-$name.json")"
    fi
    verify_left_nothing "$verify_project"
    cp "$work/env.orig" .env; cp "$work/compose.orig" docker-compose.yml
  }
  sed -i -E 's/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=/' .env
  variant empty-required "compose file resolves" "set POSTGRES_PASSWORD in \`.env\` (line"
  sed -i -E 's/command: \["python", "manage.py", "migrate", /command: ["python", "manage.py", "migrate", "no_such_app", /' docker-compose.yml
  variant failing-migration "migrate exited 0" "the migration command failed"
  # A SQLite file in the services' writable /tmp, and no wait for a database server: the app starts.
  sed -i -E 's|^(    DATABASE_URL: ).*|\1"sqlite:////tmp/db.sqlite3"|' docker-compose.yml
  printf 'WAIT_FOR_DB=0\n' >>.env
  variant sqlite "tables in Postgres" "SQLite"
  sed -i -E 's|^(    CELERY_BROKER_URL: ).*|\1"redis://no-such-broker:6379/0"|' docker-compose.yml
  variant unreachable-broker "worker alive and connected" "cannot reach its broker"
}
