#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2154,SC2034  # SC2015: `ok` cannot fail; SC2154: dockgen and compose come from e2e_prepare (lib.sh); SC2034: the spec files set variables only the compose runner reads
# End-to-end on a real single-node Docker Swarm: for each app (default: one Django + Celery and one
# FastAPI app of the corpus), `dockgen init --yes --target compose,swarm`, build the image and tag it
# as release 1, and a rebuilt image (a new image ID) as release 2, then:
#   - `docker swarm init`, the Docker secrets the stack names created from .env (and, for values compose
#     builds from .env such as DATABASE_URL, from `docker compose config`);
#   - `docker stack deploy` of release 1 (every service by DNS round robin and the proxy's port in host
#     mode: no IPVS needed, which many kernels lack); wait until every service has its replicas (healthy: Swarm
#     counts a task with a healthcheck only once it is healthy) and the migrate job completed;
#   - the compose checks: the page answers 200 and its Redis counter grows, a task enqueued through the
#     web app is executed by the worker, tables in Postgres;
#   - a rolling update of web to release 2 while a bounded loop of requests runs on loopback
#     (at most ROLL_REQUESTS requests, 5 s each at most): it must see zero failed requests; the count
#     is printed;
#   - web scaled to 3 (all running) and back to 2;
#   - `docker stack rm`, its volumes and images removed, and `docker swarm leave --force`, also on
#     failure or Ctrl-C (a trap).
# Run it under the machine's Docker lock, as one command: no other compose run may see a swarm.
#   flock /tmp/dockgen-docker.lock tests/e2e/swarm.sh [APP...]
# Output: per-check lines, then exactly `swarm: N passed, M failed`; exit 1 when any app failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

corpus=tests/e2e/corpus
out_root=${SWARM_OUT:-/tmp/dockgen-swarm}
roll_requests=${ROLL_REQUESTS:-3000}
mkdir -p "$out_root"
if [ "$#" -gt 0 ]; then apps=("$@"); else apps=(django-celery-uv fastapi-async-uv); fi
for app in "${apps[@]}"; do
  if [ ! -d "$corpus/$app" ] || [ ! -f "$corpus/$app.check.sh" ]; then
    echo "e2e swarm: no app \`$app\` (needs $corpus/$app/ and $corpus/$app.check.sh)" >&2
    exit 2
  fi
done

if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != inactive ]; then
  echo "e2e swarm: this Docker engine is already part of a swarm; refusing to touch it" >&2
  exit 2
fi
app=swarm
e2e_prepare "$repo"

swarm_up=0
stack=""
leave_swarm() {
  if [ -n "$stack" ]; then docker stack rm "$stack" >/dev/null 2>&1 || true; fi
  if [ "$swarm_up" = 1 ]; then
    docker swarm leave --force >/dev/null 2>&1 || true
    swarm_up=0
  fi
}
trap 'leave_swarm' EXIT
trap 'leave_swarm; exit 130' INT TERM

http_code() { curl -s -o "$work/body" -w '%{http_code}' --max-time 10 -b "$work/cookies" -c "$work/cookies" "$@" || true; }
counter() { python3 -c 'import re, sys; m = re.search(sys.argv[1], sys.stdin.read(), re.S); print(m.group(1) if m else "")' "$1"; }
matches() { python3 -c 'import re, sys; sys.exit(not re.search(sys.argv[1], sys.stdin.read(), re.S))' "$1"; }

# `NAME REPLICAS` of every service of the stack, e.g. `app_web 2/2` and `app_migrate 0/1 (1/1 completed)`.
services() { docker stack services "$stack" --format '{{.Name}} {{.Replicas}}' 2>/dev/null; }

# Waits (at most $1 s) until every service has all its replicas and every job completed.
converged() {
  local deadline=$(($(date +%s) + $1)) name reps done_all
  while :; do
    done_all=1
    while read -r name reps; do
      case "$reps" in
        *completed*) case "$reps" in *"(1/1 completed)"*) ;; *) done_all=0 ;; esac ;;
        *) [ "${reps%%/*}" = "${reps##*/}" ] || done_all=0 ;;
      esac
    done < <(services)
    [ -n "$(services)" ] && [ "$done_all" = 1 ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 2
  done
}

# The container of one running task of a service.
task_container() { docker ps -q --filter "label=com.docker.swarm.service.name=${stack}_$1" | head -1; }

# Creates every Docker secret stack.yml names: its value from the web service's environment as
# `docker compose config` resolves it from .env (DATABASE_URL), else from .env itself.
create_secrets() {
  local name value
  TAG=1 "$compose" -f stack.yml config --format json >"$work/stack.json" 2>"$work/stack-config.err" || return 1
  "$compose" config --format json >"$work/compose.json" 2>>"$work/stack-config.err" || return 1
  for name in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1])).get("secrets", {})))' "$work/stack.json"); do
    value=$(python3 - "$work/compose.json" "$name" <<'PY'
import json, sys
env = json.load(open(sys.argv[1]))["services"]["web"].get("environment") or {}
v = env.get(sys.argv[2])
if v is None:
    for line in open(".env"):
        if line.startswith(sys.argv[2] + "="):
            v = line.split("=", 1)[1].rstrip("\n")
print(v or "", end="")
PY
)
    printf '%s' "$value" | docker secret create "$name" - >/dev/null || return 1
    secrets+=("$name")
  done
}

# The bounded request loop of the rolling update: GET $1 until $2 exists or $3 requests were sent;
# writes `requests failures` to $4.
request_loop() {
  local url=$1 stop=$2 max=$3 result=$4 n=0 bad=0 c
  while [ ! -e "$stop" ] && [ "$n" -lt "$max" ]; do
    c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
    n=$((n + 1))
    case "$c" in 2??|3??) ;; *) bad=$((bad + 1)); echo "request $n: HTTP $c" >>"$result.log" ;; esac
  done
  echo "$n $bad" >"$result"
}

checks() {
  local token started body n1 n2 c tables user db state loop_pid n bad
  token="e2e$RANDOM$RANDOM"
  say "dockgen init --yes --target compose,swarm"
  "$dockgen" init --yes --target compose,swarm "$dir" >"$out/init.txt" 2>&1 || { sed "s/^/[$app] | /" "$out/init.txt"; fail "dockgen init"; return 1; }
  "$dockgen" detect --json "$dir" >"$out/detect.json" 2>/dev/null || true
  ctx="$dir/$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["project_dir"])' "$out/detect.json" 2>/dev/null || echo .)"
  cd "$ctx"
  cp stack.yml "$out/"
  image=$(compose_image)
  stack=$(printf 'dockgen-swarm-%s' "$app" | tr -c 'a-z0-9-\n' '-' | cut -c1-40)
  port=$(free_port)
  fill_required_env "$port"
  export WEB_PORT=$port COMPOSE_PROJECT_NAME="$stack"

  say "build release 1 and 2"
  started=$(date +%s.%N)
  if ! "$compose" build web >"$out/build.log" 2>&1; then tail -20 "$out/build.log" | sed "s/^/[$app] | /"; fail "build"; return 1; fi
  docker tag "$image" "$image:1"
  # Release 2: release 1 with another label (a new image ID, everything else inherited), so the
  # update is to a different image without a second build.
  if ! printf 'FROM %s:1\nLABEL dockgen.e2e.release=2\n' "$image" | docker build -q -t "$image:2" - >>"$out/build.log" 2>&1; then
    tail -5 "$out/build.log" | sed "s/^/[$app] | /"; fail "build release 2"; return 1
  fi
  images+=("$image" "$image:1" "$image:2")
  ok "built in $(since "$started")s"

  started=$(date +%s.%N)
  # A single node: loopback where the engine takes it as the address to advertise, else its own choice.
  docker swarm init --advertise-addr 127.0.0.1 >"$out/swarm.log" 2>&1 || docker swarm init >>"$out/swarm.log" 2>&1 ||
    { sed "s/^/[$app] | /" "$out/swarm.log"; fail "docker swarm init"; return 1; }
  swarm_up=1
  create_secrets || { sed "s/^/[$app] | /" "$work/stack-config.err"; fail "creating the Docker secrets"; return 1; }
  ok "swarm up, secrets created: ${secrets[*]:-none}"
  if ! TAG=1 docker stack deploy --resolve-image never -c stack.yml "$stack" >"$out/deploy.log" 2>&1; then
    sed "s/^/[$app] | /" "$out/deploy.log"; fail "docker stack deploy"; return 1
  fi
  if converged 240; then
    ok "every service healthy and the migrate job completed in $(since "$started")s: $(services | tr '\n' ',' | sed 's/,$//')"
  else
    fail "not converged within 240s: $(services | tr '\n' ',')"
    return 1
  fi

  # The compose checks, through the published port on loopback.
  c=$(http_code "http://127.0.0.1:$port$PAGE"); body=$(cat "$work/body")
  c2=$(http_code "http://127.0.0.1:$port$PAGE")
  if [ "$c" = 200 ] && [ "$c2" = 200 ]; then
    ok "GET $PAGE answers 200"
    if [ -n "$COUNTER_RE" ]; then
      n1=$(printf '%s' "$body" | counter "$COUNTER_RE"); n2=$(counter "$COUNTER_RE" <"$work/body")
      [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ] && ok "Redis counter grows ($n1 -> $n2)" || fail "Redis counter: '$n1' then '$n2'"
    fi
  else
    fail "GET $PAGE: HTTP $c then $c2"
  fi
  if [ "${#TASK[@]}" -gt 0 ]; then
    local kind=${TASK[0]} path=${TASK[1]} data=${TASK[2]//\{token\}/$token} csrf
    if [ "$kind" = json ]; then
      c=$(http_code -X POST -H 'Content-Type: application/json' --data "$data" "http://127.0.0.1:$port$path")
    else
      http_code "http://127.0.0.1:$port$PAGE" >/dev/null
      csrf=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$work/body" | head -1)
      [ -n "$csrf" ] && data="$data&csrfmiddlewaretoken=$csrf"
      c=$(http_code -X POST -H "Referer: http://127.0.0.1:$port$PAGE" --data "$data" "http://127.0.0.1:$port$path")
    fi
    local deadline=$(($(date +%s) + 60)) seen=0
    while [ "$(date +%s)" -lt "$deadline" ]; do
      http_code "http://127.0.0.1:$port${TASK_DONE:-$PAGE}" >/dev/null
      if matches "${TASK_DONE_RE//\{token\}/$token}" <"$work/body"; then seen=1; break; fi
      sleep 2
    done
    [ "$seen" = 1 ] && ok "task enqueued through POST $path ($c) was executed by the worker" || fail "task enqueued through POST $path ($c) not executed within 60s"
  fi
  user=$(sed -n 's/^POSTGRES_USER=//p' .env); db=$(sed -n 's/^POSTGRES_DB=//p' .env)
  tables=$(docker exec "$(task_container db)" psql -U "${user:-app}" -d "${db:-app}" -tAc \
    "select count(*) from information_schema.tables where table_schema = 'public'" 2>&1 | tr -d '\r' | tail -1)
  [ "$tables" -gt 0 ] 2>/dev/null && ok "$tables tables in Postgres (schema public), migrated by the job" || fail "no tables in Postgres ($tables)"

  # The rolling update under load.
  started=$(date +%s.%N)
  rm -f "$work/stop" "$work/loop" "$work/loop.log"
  request_loop "http://127.0.0.1:$port$PAGE" "$work/stop" "$roll_requests" "$work/loop" &
  loop_pid=$!
  sleep 1
  if ! TAG=2 docker stack deploy --resolve-image never -c stack.yml "$stack" >"$out/update.log" 2>&1; then
    sed "s/^/[$app] | /" "$out/update.log"; fail "docker stack deploy of release 2"
  fi
  local deadline=$(($(date +%s) + 240))
  state=""
  while [ "$(date +%s)" -lt "$deadline" ]; do
    state=$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "${stack}_web" 2>/dev/null || true)
    case "$state" in completed | rollback_completed | paused | rollback_paused) break ;; esac
    sleep 1
  done
  touch "$work/stop"
  wait "$loop_pid" || true
  read -r n bad <"$work/loop"
  local now
  now=$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${stack}_web")
  if [ "$state" = completed ] && [ "${now%%@*}" = "$image:2" ]; then
    ok "web rolled to $image:2 in $(since "$started")s (update state $state)"
  else
    fail "web's rolling update ended as '$state' on $now"
  fi
  say "rolling update: $n requests, $bad failed"
  if [ "$bad" = 0 ] && [ "$n" -gt 0 ]; then ok "zero failed requests during the rolling update ($n requests)"; else
    head -5 "$work/loop.log" 2>/dev/null | sed "s/^/[$app] | /"; fail "$bad of $n requests failed during the rolling update"; fi

  # Scale web to 3 and back.
  if docker service scale --detach "${stack}_web=3" >/dev/null 2>&1 && converged 120; then
    ok "web scaled to 3: $(services | grep "_web " | cut -d' ' -f2)"
  else
    fail "web did not scale to 3: $(services | tr '\n' ',')"
  fi
  if docker service scale --detach "${stack}_web=2" >/dev/null 2>&1 && converged 120; then
    ok "web scaled back to 2"
  else
    fail "web did not scale back to 2: $(services | tr '\n' ',')"
  fi
  cd "$repo"
  [ "$failed_checks" = 0 ]
}

# Removes the stack (waiting until its containers are gone), its volumes, secrets and images, and
# leaves the swarm.
teardown() {
  local deadline
  if [ -n "$stack" ] && [ "$swarm_up" = 1 ]; then
    # Bounded: on Engine 20.10 `docker service logs` can wait forever for the logs of a task that was
    # replaced (seen after the rolling update and the scale down: CI hung on web's logs for 17 minutes).
    for s in $(docker stack services "$stack" --format '{{.Name}}' 2>/dev/null); do
      timeout 20 docker service logs --no-task-ids --tail 100 "$s" >"$out/$s.log" 2>&1 || true
    done
    docker stack rm "$stack" >/dev/null 2>&1 || true
    deadline=$(($(date +%s) + 60))
    while [ -n "$(docker ps -aq --filter "label=com.docker.stack.namespace=$stack")" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
    docker ps -aq --filter "label=com.docker.stack.namespace=$stack" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=com.docker.stack.namespace=$stack" | xargs -r docker volume rm >/dev/null 2>&1 || true
    for s in "${secrets[@]}"; do docker secret rm "$s" >/dev/null 2>&1 || true; done
  fi
  stack=""
  if [ "$swarm_up" = 1 ]; then docker swarm leave --force >/dev/null 2>&1 || true; swarm_up=0; fi
  for i in "${images[@]}"; do docker image rm -f "$i" >/dev/null 2>&1 || true; done
  cd "$repo"
  rm -rf "$work"
}

passed=0
failed=0
for app in "${apps[@]}"; do
  started_app=$(date +%s.%N)
  failed_checks=0
  secrets=()
  images=()
  work=$(mktemp -d)
  out="$out_root/$app"
  rm -rf "$out" && mkdir -p "$out"
  cp -r "$corpus/$app" "$work/$app"
  dir="$work/$app"
  PAGE=/ COUNTER_RE="" CREATE=() CREATE_SHOWS="" TASK=() TASK_DONE="" TASK_DONE_RE="" STATIC="" STATIC_EXPECT=""
  NOT_FOUND=/no-such-page-e2e/ ONE_OFF=()
  # shellcheck source=/dev/null
  . "$corpus/$app.check.sh"
  if checks; then passed=$((passed + 1)); result=passed; else failed=$((failed + 1)); result=FAILED; fi
  teardown
  say "$result in $(since "$started_app")s (artefacts: $out)"
done
echo "swarm: $passed passed, $failed failed"
[ "$failed" = 0 ]
