#!/usr/bin/env bash
# `ok` cannot fail, so `cond && ok ... || fail ...` below is an if/else.
# shellcheck disable=SC2015,SC2154  # SC2154: dockgen and compose come from e2e_prepare (lib.sh)
# End-to-end corpus: conventional projects made the way each framework's docs and tools make them
# (tests/e2e/corpus/<app>/), never adapted to dockgen. For each app: copy it to a temp dir, record
# `dockgen detect`, run `dockgen init --yes` (which writes .env with fresh secrets), count and fill in the values
# it left empty (fill_required_env in lib.sh), build, `docker compose up -d --wait`, run the one-off
# commands the app's README tells an operator to run (if any), then check through the app's ordinary
# features, as its spec tests/e2e/corpus/<app>.check.sh describes:
#   - a page answers 200 and shows a Redis-backed counter that grows between two requests;
#   - a row created through the web app shows up on a page (database round trip);
#   - migrations (or the app's own table creation) landed in the generated database: tables in
#     Postgres's schema `public` counted with psql inside the db container (MariaDB's, with its client,
#     for an app on MySQL);
#   - a task enqueued through the web app is executed by the worker (Celery, RQ);
#   - a static file is served;
#   - DEBUG is off: an unknown path answers 404 without a debug page;
#   - `dockgen verify` passes, run beside the stack it must not touch, and leaves nothing behind; on
#     one app (VERIFY_VARIANTS_APP, default django-celery-uv) it fails with the right hint on broken
#     variants of the generated files and .env (lib.sh: verify_variants);
#   - least privilege (lib.sh): no capabilities, no-new-privileges, a read-only root, limits; no value
#     of .env in the image's layers; Django's `check --deploy`; the dev profile as the host user.
# Everything is torn down afterwards (containers, volumes, image), also on failure or Ctrl-C.
#
# Usage: tests/e2e/corpus.sh [APP...]      (default: every app in tests/e2e/corpus)
# Output: per-check lines, then exactly `e2e: N passed, M failed`; exit 1 when any app failed. Every app
# must pass: there is no list of known failures.
# Artefacts (detect/init output, build and up logs, the stack's logs, the generated files) are kept in
# $CORPUS_OUT (default /tmp/dockgen-corpus/<app>/); timings go to $CORPUS_OUT/timings.tsv. Compose projects
# are named $CORPUS_PROJECT_PREFIX-<app> (default dockgen-corpus), so parallel runs do not collide.
#
# Spec variables (all optional; {token} is replaced by a fresh random word per run):
#   PAGE            path of the page that reads the database and counts visits in Redis (default /)
#   COUNTER_RE      regex whose first group is the Redis counter on PAGE (must grow on the second GET)
#   CREATE          (KIND PATH BODY): KIND form|json; POSTs BODY to PATH through the web app
#   CREATE_SHOWS    path whose body must contain {token} afterwards (default PAGE)
#   TASK            (KIND PATH BODY): enqueues a background task through the web app
#   TASK_DONE       path to poll (default PAGE); TASK_DONE_RE regex (with {token}) that shows the task ran
#   STATIC          path of a static file; STATIC_EXPECT a substring of its content
#   NOT_FOUND       a path that does not exist (default /no-such-page-e2e/)
# CORPUS_POETRY_SIMPLE_INDEX=1 (diagnostic, with POETRY=path/to/poetry): re-lock Poetry apps in the temp
# copy against a simple-index source first, to see what fails after `poetry install` on this network.
# CORPUS_PATCH=script.sh (diagnostic): run in the build context after `dockgen init` and .env, to edit
# the generated files by hand and check that a fix described in FINDINGS.md is enough
# (tests/e2e/corpus-diagnostics/<app>.sh).
#
#   ONE_OFF         commands the app's README has the operator run once after deploying, run with
#                   `docker compose exec -T web sh -c CMD` (e.g. Flask's `flask --app flaskr init-db`)
set -euo pipefail
if [ -n "${CORPUS_PATCH:-}" ]; then CORPUS_PATCH=$(realpath "$CORPUS_PATCH"); fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

corpus=tests/e2e/corpus
out_root=${CORPUS_OUT:-/tmp/dockgen-corpus}
mkdir -p "$out_root"

if [ "$#" -gt 0 ]; then apps=("$@"); else
  mapfile -t apps < <(find "$corpus" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi
for app in "${apps[@]}"; do
  if [ ! -d "$corpus/$app" ] || [ ! -f "$corpus/$app.check.sh" ]; then
    echo "e2e corpus: no app \`$app\` (needs $corpus/$app/ and $corpus/$app.check.sh)" >&2
    exit 2
  fi
done

e2e_prepare "$repo"

# ---- HTTP helpers (curl against 127.0.0.1:$port; bodies go to stdout, "HTTP <code>" to $work/code)
http() {
  local method=$1 path=$2
  shift 2
  rm -f "$work/body"
  curl -sS --max-time 20 -o "$work/body" -w '%{http_code}' -X "$method" -b "$work/cookies" -c "$work/cookies" \
    "$@" "http://127.0.0.1:$port$path" >"$work/code" 2>"$work/curl.err" || echo 000 >"$work/code"
  # No HTTP answer at all: the curl error is the body (connection refused: the server is gone).
  if [ "$(cat "$work/code")" = 000 ]; then cat "$work/curl.err"; else cat "$work/body" 2>/dev/null || true; fi
}
code() { cat "$work/code"; }

# POSTs like a browser would: for a form, the CSRF token of the page that holds the form (Django)
# and its cookie go along.
post() {
  local kind=$1 path=$2 body=$3 page_body csrf
  case "$kind" in
    json) http POST "$path" -H 'Content-Type: application/json' --data "$body" ;;
    form)
      page_body=$(http GET "$PAGE")
      csrf=$(printf '%s' "$page_body" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
      if [ -n "$csrf" ]; then body="$body&csrfmiddlewaretoken=$csrf"; fi
      http POST "$path" -H "Referer: http://127.0.0.1:$port$PAGE" --data "$body"
      ;;
    *) echo "unknown POST kind $kind" >&2; return 2 ;;
  esac
}

matches() { python3 -c 'import re, sys; sys.exit(not re.search(sys.argv[1], sys.stdin.read(), re.S))' "$1"; }
counter() { python3 -c 'import re, sys; m = re.search(sys.argv[1], sys.stdin.read(), re.S); print(m.group(1) if m else "")' "$1"; }
short() { tr '\n' ' ' | cut -c1-"${1:-300}"; }

teardown() {
  if [ -f "$ctx/docker-compose.yml" ]; then
    (cd "$ctx" && "$compose" logs --no-color --tail 200 >"$out/stack.log" 2>&1) || true
    if [ "$failed_checks" -gt 0 ]; then
      say "last lines of the stack's logs (all in $out/stack.log):"
      grep -vE '^\s*$' "$out/stack.log" | tail -25 | sed "s/^/[$app] | /" || true
    fi
    (cd "$ctx" && "$compose" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1) || true
  fi
  if [ -n "$image" ]; then docker image rm -f "$image" >/dev/null 2>&1 || true; fi
  cd "$repo"
  rm -rf "$work"
}

run_app() {
  local status=0
  failed_checks=0
  image=""
  work=$(mktemp -d)
  out="$out_root/$app"
  rm -rf "$out" && mkdir -p "$out"
  cp -r "$corpus/$app" "$work/$app"
  dir="$work/$app"
  # Diagnostic only (never a pass): `poetry install` cannot work behind a proxy that answers 404 for
  # PyPI's per-version JSON API, which hides everything after the build. This re-locks the temp copy with
  # a primary simple-index source so the generated Dockerfile's `poetry install` can run. Needs poetry.
  if [ "${CORPUS_POETRY_SIMPLE_INDEX:-0}" = 1 ] && [ -f "$dir/poetry.lock" ]; then
    say "diagnostic: poetry.lock re-locked against a simple-index source (CORPUS_POETRY_SIMPLE_INDEX=1)"
    (cd "$dir" && "${POETRY:-poetry}" source add --priority=primary pypi-simple https://pypi.org/simple/ >/dev/null &&
      "${POETRY:-poetry}" lock >/dev/null) || fail "re-locking with the simple index"
  fi
  ctx="$dir"
  export COMPOSE_PROJECT_NAME="${CORPUS_PROJECT_PREFIX:-dockgen-corpus}-${app//_/-}"
  export COMPOSE_PROGRESS=plain
  trap 'teardown; exit 130' INT TERM
  # The spec, in a clean slate of variables.
  PAGE=/ COUNTER_RE="" CREATE=() CREATE_SHOWS="" TASK=() TASK_DONE="" TASK_DONE_RE="" STATIC="" STATIC_EXPECT=""
  NOT_FOUND=/no-such-page-e2e/ ONE_OFF=()
  # shellcheck source=/dev/null
  . "$corpus/$app.check.sh"
  t_build="" t_up="" t_checks="" t_verify="" t_verify_up=""
  checks || status=1
  [ "$failed_checks" = 0 ] || status=1
  teardown
  trap - INT TERM
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$app" "$([ "$status" = 0 ] && echo pass || echo fail)" "${t_build:--}" "${t_up:--}" "${t_checks:--}" "${t_verify:--}" "${t_verify_up:--}" >>"$out_root/timings.tsv"
  return "$status"
}

checks() {
  local started token body body2 n1 n2 code_ tables user db deadline framework
  token="e2e$RANDOM$RANDOM"
  "$dockgen" detect "$dir" >"$out/detect.txt" 2>&1 || true
  "$dockgen" detect --json "$dir" >"$out/detect.json" 2>"$out/detect-json.err" || true
  say "dockgen init --yes"
  if ! "$dockgen" init --yes "$dir" >"$out/init.txt" 2>&1; then
    sed "s/^/[$app] | /" "$out/init.txt"; fail "dockgen init"; return 1
  fi
  sed "s/^/[$app]   /" "$out/init.txt"
  ctx="$dir/$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["project_dir"])' "$out/detect.json" 2>/dev/null || echo .)"
  cd "$ctx"
  cp Dockerfile docker-compose.yml entrypoint.sh .env.example "$out/" 2>/dev/null || true
  image=$(compose_image)
  port=$(free_port)
  env_file_checks
  fill_required_env "$port"
  if [ -n "${CORPUS_PATCH:-}" ]; then
    say "diagnostic: $CORPUS_PATCH edits the generated files (never a pass)"
    bash "$CORPUS_PATCH" || fail "diagnostic patch $CORPUS_PATCH"
    cp Dockerfile docker-compose.yml .env "$out/" 2>/dev/null || true
  fi

  say "build"
  started=$(date +%s.%N)
  if ! "$compose" build web >"$out/build.log" 2>&1; then
    t_build=$(since "$started")
    grep -vE '^\s*$' "$out/build.log" | tail -25 | sed "s/^/[$app] | /"; fail "docker compose build (${t_build}s)"; return 1
  fi
  t_build=$(since "$started")
  ok "built in ${t_build}s"

  say "up"
  started=$(date +%s.%N)
  if ! "$compose" up -d --wait --wait-timeout 180 >"$out/up.log" 2>&1; then
    t_up=$(since "$started")
    tail -15 "$out/up.log" | sed "s/^/[$app] | /"; fail "docker compose up --wait (${t_up}s)"; return 1
  fi
  t_up=$(since "$started")
  ok "stack up and healthy in ${t_up}s"
  started=$(date +%s.%N)

  for cmd in "${ONE_OFF[@]}"; do
    if "$compose" exec -T web sh -c "$cmd" >"$out/one-off.log" 2>&1; then ok "one-off \`$cmd\`"; else
      sed "s/^/[$app] | /" "$out/one-off.log" | tail -10; fail "one-off \`$cmd\`"; fi
  done

  # dockgen verify, beside this stack (which it must leave alone), then its broken variants on one app.
  verify_check
  if [ "$app" = "${VERIFY_VARIANTS_APP:-django-celery-uv}" ]; then verify_variants; fi

  # The page: 200 twice, and the Redis counter grows.
  body=$(http GET "$PAGE"); code_=$(code)
  body2=$(http GET "$PAGE")
  if [ "$code_" = 200 ] && [ "$(code)" = 200 ]; then
    ok "GET $PAGE answers 200"
    if [ -n "$COUNTER_RE" ]; then
      n1=$(printf '%s' "$body" | counter "$COUNTER_RE"); n2=$(printf '%s' "$body2" | counter "$COUNTER_RE")
      [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ] && ok "Redis counter grows ($n1 -> $n2)" ||
        fail "Redis counter on $PAGE: '$n1' then '$n2' (pattern $COUNTER_RE)"
    fi
  else
    fail "GET $PAGE: HTTP $code_ then $(code): $(printf '%s' "$body2" | short)"
  fi

  # A database round trip through the app.
  if [ "${#CREATE[@]}" -gt 0 ]; then
    body=$(post "${CREATE[0]}" "${CREATE[1]}" "${CREATE[2]//\{token\}/$token}"); code_=$(code)
    case "$code_" in
      2??|3??)
        body=$(http GET "${CREATE_SHOWS:-$PAGE}")
        case "$body" in
          *"$token"*) ok "POST ${CREATE[1]} ($code_) created a row that ${CREATE_SHOWS:-$PAGE} shows" ;;
          *) fail "row posted to ${CREATE[1]} ($code_) not on ${CREATE_SHOWS:-$PAGE} (HTTP $(code)): $(printf '%s' "$body" | short)" ;;
        esac ;;
      *) fail "POST ${CREATE[1]}: HTTP $code_: $(printf '%s' "$body" | short)" ;;
    esac
  fi

  # A task enqueued through the web app, executed by the worker.
  if [ "${#TASK[@]}" -gt 0 ]; then
    body=$(post "${TASK[0]}" "${TASK[1]}" "${TASK[2]//\{token\}/$token}"); code_=$(code)
    case "$code_" in
      2??|3??)
        deadline=$(( $(date +%s) + 60 ))
        while :; do
          body=$(http GET "${TASK_DONE:-$PAGE}")
          if printf '%s' "$body" | matches "${TASK_DONE_RE//\{token\}/$token}"; then
            ok "task enqueued through POST ${TASK[1]} was executed by the worker"; break
          fi
          if [ "$(date +%s)" -ge "$deadline" ]; then
            fail "task enqueued through POST ${TASK[1]} ($code_) not executed within 60s: ${TASK_DONE:-$PAGE} shows $(printf '%s' "$body" | short 200)"
            break
          fi
          sleep 2
        done ;;
      *) fail "POST ${TASK[1]} (enqueue): HTTP $code_: $(printf '%s' "$body" | short)" ;;
    esac
  fi

  # Migrations (or the app's own table creation) in the generated database: Postgres, or MariaDB for
  # an app whose database drivers are MySQL's (counted by the service's own client as the app's user).
  if grep -qE '^    image: "?mariadb:' docker-compose.yml; then
    db=$(sed -n 's/^MARIADB_DATABASE=//p' .env)
    # shellcheck disable=SC2016 # expanded by the db container's shell, from its own environment
    tables=$("$compose" exec -T db sh -c 'MYSQL_PWD="$MARIADB_PASSWORD" exec mariadb -u"$MARIADB_USER" -D"$MARIADB_DATABASE" -N -e "select count(*) from information_schema.tables where table_schema = database()"' 2>&1 | tr -d '\r' | tail -1)
    [ "$tables" -gt 0 ] 2>/dev/null && ok "$tables tables in MariaDB (database ${db:-app})" ||
      fail "no tables in MariaDB database ${db:-app} ($tables): the app did not migrate into the generated database"
  elif grep -qE '^  db:' docker-compose.yml; then
    user=$(sed -n 's/^POSTGRES_USER=//p' .env); db=$(sed -n 's/^POSTGRES_DB=//p' .env)
    tables=$("$compose" exec -T db psql -U "${user:-app}" -d "${db:-app}" -tAc \
      "select count(*) from information_schema.tables where table_schema = 'public'" 2>&1 | tr -d '\r' | tail -1)
    [ "$tables" -gt 0 ] 2>/dev/null && ok "$tables tables in Postgres (schema public)" ||
      fail "no tables in Postgres schema public ($tables): the app did not migrate into the generated database"
  else
    fail "no database service was generated"
  fi

  # Static files.
  if [ -n "$STATIC" ]; then
    body=$(http GET "$STATIC"); code_=$(code)
    [ "$code_" = 200 ] && case "$body" in *"$STATIC_EXPECT"*) true ;; *) false ;; esac &&
      ok "static file $STATIC served" || fail "static file $STATIC: HTTP $code_: $(printf '%s' "$body" | short 200)"
  fi

  # DEBUG off: a 404 without a debug page.
  body=$(http GET "$NOT_FOUND"); code_=$(code)
  if [ "$code_" = 404 ] && ! printf '%s' "$body" | matches "You're seeing this error because you have|Traceback \(most recent call last\)|Werkzeug Debugger|DEBUG = True"; then
    ok "DEBUG off: $NOT_FOUND is a plain 404"
  else
    fail "$NOT_FOUND: HTTP $code_ $(printf '%s' "$body" | matches "You're seeing this error because you have|DEBUG = True" && echo '(Django debug page: DEBUG is on)')"
  fi
  hardening_checks "$image"
  secrets_not_in_image_check "$image" "$work"
  framework=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["framework"])' "$out/detect.json" 2>/dev/null || echo unknown)
  if [ "$framework" = django ]; then django_deploy_check; fi
  dev_profile_check "$framework"
  runtime_checks "$out"
  port_and_health_checks "$dir"
  t_checks=$(since "$started")
  cd "$repo"
  [ "$failed_checks" = 0 ]
}

passed=0
failed=0
zero_edit=0
[ -f "$out_root/timings.tsv" ] || printf 'app\tresult\tbuild_s\tup_s\tchecks_s\tverify_s\tverify_build_up_s\n' >"$out_root/timings.tsv"
for app in "${apps[@]}"; do
  started_app=$(date +%s.%N)
  if run_app; then
    passed=$((passed + 1)); result=passed
  else
    failed=$((failed + 1)); result=FAILED
  fi
  typed=$(cut -f1 "$out_root/$app/typed.txt" 2>/dev/null || echo "?")
  [ "$result" = passed ] && [ "$typed" = 0 ] && zero_edit=$((zero_edit + 1))
  say "$result in $(since "$started_app")s, values typed into .env: $typed (artefacts: $out_root/$app)"
done
echo "e2e corpus: $zero_edit of ${#apps[@]} apps passed with no value typed into .env"
if [ -n "${CORPUS_PATCH:-}" ] || [ "${CORPUS_POETRY_SIMPLE_INDEX:-0}" = 1 ]; then
  echo "e2e corpus: diagnostic run (CORPUS_PATCH / CORPUS_POETRY_SIMPLE_INDEX): results are not dockgen's"
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
