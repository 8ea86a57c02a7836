#!/usr/bin/env bash
# Keeps the end-to-end corpus honest: its apps (tests/e2e/corpus/<app>/) must be made the way each
# framework's docs and tools make them, never adapted to dockgen. Fails when an app's files contain
#   - the word dockgen, or a DOCKGEN_ variable;
#   - database-URL scheme rewriting (`.replace("postgres://", ...)`, a startswith("postgres://") check, a
#     re.sub on the scheme): the classic adaptation to a generator's `postgres://` URL;
#   - markers of the tier's own example apps (an /e2e/ route, the dockgen-static-ok file);
#   - a check spec or generated container file inside the app (they live beside it, or are generated).
# Usage: tests/e2e/corpus-lint.sh      (exit 0 clean, 1 with the offending lines listed)
set -euo pipefail
cd "$(dirname "$0")/corpus"
status=0
# Virtualenvs and caches a local run leaves behind are not the app (and are git-ignored).
skip=(--exclude-dir=.venv --exclude-dir=venv --exclude-dir=__pycache__ --exclude-dir=node_modules)
report() { echo "corpus-lint: $1" >&2; sed 's/^/  /' >&2; status=1; }

hits=$(grep -rniIE "${skip[@]}" 'dockgen' -- */ || true)
[ -z "$hits" ] || report "the word dockgen in an app" <<<"$hits"

scheme="(postgres|postgresql)(\+[a-z0-9]+)?://"
hits=$(grep -rnIE "${skip[@]}" "(\.replace\(\s*['\"]$scheme|startswith\(\s*['\"]$scheme|re\.sub\([^)]*$scheme)" -- */ || true)
[ -z "$hits" ] || report "database URL scheme rewriting in an app" <<<"$hits"

hits=$(grep -rnIE "${skip[@]}" "(['\"]/?e2e/|dockgen-static-ok)" -- */ || true)
[ -z "$hits" ] || report "an example-app marker (/e2e/ route, dockgen-static-ok) in an app" <<<"$hits"

hits=$(find . -mindepth 2 \( -name '*.check.sh' -o -name Dockerfile -o -name docker-compose.yml \
  -o -name entrypoint.sh -o -name .dockerignore -o -name .env.example -o -name dockgen.toml \) -print)
[ -z "$hits" ] || report "check specs or generated files inside an app" <<<"$hits"

for d in */; do
  [ -f "${d%/}.check.sh" ] || report "an app without its check spec" <<<"${d%/} (expected ${d%/}.check.sh)"
done

[ "$status" = 0 ] && echo "corpus-lint: $(find . -mindepth 1 -maxdepth 1 -type d | wc -l) apps clean"
exit "$status"
