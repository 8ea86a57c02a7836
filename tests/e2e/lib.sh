# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # the variables are the callers' (app) or for the callers (dockgen, compose)
# Helpers shared by the end-to-end runners (tests/e2e/run.sh, tests/e2e/corpus.sh). Sourced, not run.
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

# Writes .env from the generated .env.example the way a user who follows it would: every value the file
# marks as a placeholder gets a throwaway value (POSTGRES_PASSWORD, `change-me-to-a-long-random-string`
# secrets, other `change-me` values), WEB_PORT gets the given free port, and nothing else is added or
# uncommented. A variable the app needs that .env.example does not ask for stays unset.
fill_env_example() {
  local port=$1
  sed -E \
    -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=e2e-$RANDOM-pw/" \
    -e "s/=change-me-to-a-long-random-string$/=e2e-$RANDOM$RANDOM-secret-value-long-enough-for-django/" \
    -e "s/=change-me$/=e2e-value/" \
    -e "s/^WEB_PORT=.*/WEB_PORT=$port/" \
    .env.example >.env
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
