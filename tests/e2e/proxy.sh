#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2154,SC2034  # SC2015: `ok` cannot fail; SC2154: dockgen and compose come from e2e_prepare (lib.sh); SC2034: the spec files set variables only the compose runner reads
# End-to-end of the front proxy on one compose host: for each app (default: one Django app of the
# corpus), `dockgen init --yes --proxy nginx`, then `docker compose up --build --wait --scale web=3`
# from fresh volumes, and:
#   - `dockgen verify` passes on the proxied stack;
#   - three web replicas running and healthy behind the one proxy, which alone publishes the port;
#   - PROXY_REQUESTS requests (default 90) to the app's page through the proxy, each answered 200, and
#     every replica served some: each request carries a token in its query string, counted in each
#     web container's own access log (gunicorn's, one line per request it served);
#   - a fourth replica added while the proxy runs (`up --scale web=4 --no-recreate`) served some of
#     another PROXY_REQUESTS requests (nginx resolves web per request, not once at its start);
#   - the app's static file answered 200 with its content, for an app whose build collects them (Django)
#     by the proxy and by no replica (none of their access logs has it);
#   - the compose checks: the page answers 200 and its Redis counter grows, tables in Postgres;
#   - `docker compose down -v` and the two built images removed, also on failure or Ctrl-C (a trap).
# Run it under the machine's Docker lock:
#   flock /tmp/dockgen-docker.lock tests/e2e/proxy.sh [APP...]
# Output: per-check lines with the requests each replica served, then exactly
# `proxy: N passed, M failed`; exit 1 when any app failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

corpus=tests/e2e/corpus
out_root=${PROXY_OUT:-/tmp/dockgen-proxy}
requests=${PROXY_REQUESTS:-90}
replicas=3
mkdir -p "$out_root"
if [ "$#" -gt 0 ]; then apps=("$@"); else apps=(django-startproject-pip); fi
for app in "${apps[@]}"; do
  if [ ! -d "$corpus/$app" ] || [ ! -f "$corpus/$app.check.sh" ]; then
    echo "e2e proxy: no app \`$app\` (needs $corpus/$app/ and $corpus/$app.check.sh)" >&2
    exit 2
  fi
done
app=proxy
e2e_prepare "$repo"

project=""
down() {
  if [ -n "$project" ] && [ -n "${ctx:-}" ] && [ -d "$ctx" ]; then
    (cd "$ctx" && "$compose" down -v --remove-orphans >/dev/null 2>&1) || true
  fi
  for i in "${images[@]}"; do docker image rm -f "$i" >/dev/null 2>&1 || true; done
  images=()
  project=""
}
trap 'down' EXIT
trap 'down; exit 130' INT TERM

http_code() { curl -s -o "$work/body" -w '%{http_code}' --max-time 10 "$@" || true; }
counter() { python3 -c 'import re, sys; m = re.search(sys.argv[1], sys.stdin.read(), re.S); print(m.group(1) if m else "")' "$1"; }

checks() {
  local started token c c2 n1 n2 body ids id served total every user db tables bad static_hits
  token="e2e$RANDOM$RANDOM"
  say "dockgen init --yes --proxy nginx"
  "$dockgen" init --yes --proxy nginx "$dir" >"$out/init.txt" 2>&1 || { sed "s/^/[$app] | /" "$out/init.txt"; fail "dockgen init"; return 1; }
  "$dockgen" detect --json "$dir" >"$out/detect.json" 2>/dev/null || true
  ctx="$dir/$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["project_dir"])' "$out/detect.json" 2>/dev/null || echo .)"
  cd "$ctx"
  cp docker-compose.yml "$out/"
  cp nginx/nginx.conf "$out/"
  image=$(compose_image)
  images=("$image" "$image-proxy")
  project=$(printf 'dockgen-proxy-%s' "$app" | tr -c 'a-z0-9-\n' '-' | cut -c1-40)
  port=$(free_port)
  fill_required_env "$port"
  export WEB_PORT=$port COMPOSE_PROJECT_NAME="$project"

  # dockgen verify on the proxied stack (its own compose project and host port; it leaves nothing).
  if "$dockgen" verify --compose "$compose" . >"$out/verify.txt" 2>&1; then
    ok "dockgen verify: $(tail -1 "$out/verify.txt" | sed 's/^dockgen: //')"
  else
    tail -15 "$out/verify.txt" | sed "s/^/[$app] | /"; fail "dockgen verify"
  fi

  say "docker compose up --build --wait --scale web=$replicas"
  started=$(date +%s.%N)
  if ! "$compose" up --build --wait --scale "web=$replicas" >"$out/up.log" 2>&1; then
    tail -30 "$out/up.log" | sed "s/^/[$app] | /"
    "$compose" ps -a >"$out/ps.txt" 2>&1 || true
    "$compose" logs --no-color >"$out/logs.txt" 2>&1 || true
    fail "docker compose up --scale web=$replicas"
    return 1
  fi
  ok "up with $replicas web replicas in $(since "$started")s"
  ids=$("$compose" ps -q web)
  [ "$(printf '%s\n' "$ids" | grep -c .)" = "$replicas" ] && ok "$replicas web containers running" || fail "web containers: $(printf '%s\n' "$ids" | grep -c .)"
  local published=""
  for id in $ids; do published="$published$(docker port "$id")"; done
  [ -z "$published" ] && [ -n "$(docker port "$("$compose" ps -q proxy)")" ] && ok "the proxy publishes the port, no web replica does" || fail "web publishes '$published', or the proxy publishes nothing"

  # The compose checks, through the proxy on loopback.
  c=$(http_code "http://127.0.0.1:$port$PAGE"); body=$(cat "$work/body")
  c2=$(http_code "http://127.0.0.1:$port$PAGE")
  if [ "$c" = 200 ] && [ "$c2" = 200 ]; then
    ok "GET $PAGE answers 200 through the proxy"
    if [ -n "$COUNTER_RE" ]; then
      n1=$(printf '%s' "$body" | counter "$COUNTER_RE"); n2=$(counter "$COUNTER_RE" <"$work/body")
      [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ] && ok "Redis counter grows ($n1 -> $n2)" || fail "Redis counter: '$n1' then '$n2'"
    fi
  else
    fail "GET $PAGE: HTTP $c then $c2"
  fi
  user=$(sed -n 's/^POSTGRES_USER=//p' .env); db=$(sed -n 's/^POSTGRES_DB=//p' .env)
  tables=$("$compose" exec -T db psql -U "${user:-app}" -d "${db:-app}" -tAc \
    "select count(*) from information_schema.tables where table_schema = 'public'" 2>&1 | tr -d '\r' | tail -1)
  [ "$tables" -gt 0 ] 2>/dev/null && ok "$tables tables in Postgres (schema public)" || fail "no tables in Postgres ($tables)"

  # Balancing: N requests, each tagged, counted in each replica's own access log.
  started=$(date +%s.%N)
  bad=0
  for i in $(seq 1 "$requests"); do
    c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port$PAGE?e2e=$token-$i" || true)
    [ "$c" = 200 ] || bad=$((bad + 1))
  done
  say "$requests requests through the proxy in $(since "$started")s, $bad not 200"
  [ "$bad" = 0 ] && ok "every request answered 200" || fail "$bad of $requests requests not answered 200"
  total=0 every=1
  for id in $ids; do
    served=$(docker logs "$id" 2>&1 | grep -c "e2e=$token-" || true)
    say "replica $(docker inspect -f '{{.Name}}' "$id" | sed 's,^/,,') ($(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")): $served requests"
    total=$((total + served))
    [ "$served" -gt 0 ] || every=0
  done
  [ "$every" = 1 ] && [ "$total" = "$requests" ] && ok "all $replicas replicas served requests ($total of $requests in their logs)" || fail "replicas served $total of $requests requests, one or more served none"

  # A replica added while the proxy runs (`--scale web=4`) takes requests too: nginx resolves web
  # per request, not once at its start.
  started=$(date +%s.%N)
  if "$compose" up -d --wait --no-recreate --scale "web=$((replicas + 1))" >>"$out/up.log" 2>&1; then
    local added="" later_bad=0
    for id in $("$compose" ps -q web); do printf '%s\n' "$ids" | grep -qx "$id" || added=$id; done
    for i in $(seq 1 "$requests"); do
      c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port$PAGE?e2e=$token-later-$i" || true)
      [ "$c" = 200 ] || later_bad=$((later_bad + 1))
    done
    served=$([ -n "$added" ] && docker logs "$added" 2>&1 | grep -c "e2e=$token-later-" || true)
    say "replica added by --scale web=$((replicas + 1)) ($(since "$started")s): ${served:-0} of $requests requests, $later_bad not 200"
    [ -n "$added" ] && [ "${served:-0}" -gt 0 ] && [ "$later_bad" = 0 ] && ok "the replica added later served requests" || fail "the replica added later served ${served:-0} requests ($later_bad not 200)"
  else
    tail -10 "$out/up.log" | sed "s/^/[$app] | /"; fail "docker compose up --scale web=$((replicas + 1))"
  fi

  # Static files: from the proxy's own image, never asked of a replica.
  if [ -n "$STATIC" ]; then
    c=$(http_code "http://127.0.0.1:$port$STATIC?e2e=$token-static")
    if [ "$c" = 200 ] && grep -q "$STATIC_EXPECT" "$work/body"; then ok "GET $STATIC answers 200 with its content"; else fail "GET $STATIC: HTTP $c"; fi
    static_hits=0
    for id in $("$compose" ps -q web); do
      static_hits=$((static_hits + $(docker logs "$id" 2>&1 | grep -c "e2e=$token-static" || true)))
    done
    # The proxy serves the files the build collects (Django's STATIC_ROOT); other apps serve their own.
    if grep -q '^ *root ' nginx/nginx.conf; then
      [ "$static_hits" = 0 ] && ok "the static file was served by the proxy (no replica's log has it)" || fail "a replica served the static file ($static_hits log lines)"
    else
      say "no collected static files: the app served its own through the proxy ($static_hits log lines)"
    fi
  fi
  "$compose" logs --no-color >"$out/logs.txt" 2>&1 || true
  cd "$repo"
  [ "$failed_checks" = 0 ]
}

passed=0
failed=0
for app in "${apps[@]}"; do
  started_app=$(date +%s.%N)
  failed_checks=0
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
  down
  cd "$repo"
  rm -rf "$work"
  say "$result in $(since "$started_app")s (artefacts: $out)"
done
echo "proxy: $passed passed, $failed failed"
[ "$failed" = 0 ]
