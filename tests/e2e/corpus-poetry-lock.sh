#!/usr/bin/env bash
# Writes a real poetry.lock for a corpus app on a network where PyPI's per-version JSON API
# (/pypi/NAME/VERSION/json) answers 404 but the simple index (/simple/NAME/) works, as behind the
# intercepting proxy this tier runs behind. Plain `poetry lock` fails there ("Package gunicorn (23.0.0)
# not found"): Poetry's PyPI repository asks the per-version endpoint for every candidate.
#
# Usage: tests/e2e/corpus-poetry-lock.sh APP_DIR [DEPENDENCY...]
#   DEPENDENCY...  passed to `poetry add` (leave out to lock the pyproject.toml as it is)
# Needs: poetry (2.x) on PATH or in $POETRY.
#
# What it does, step by step, and why the result is the lock Poetry itself would write against PyPI:
#   1. adds a temporary primary source `pypi-simple` = https://pypi.org/simple/ (the same files, read
#      through PEP 503/691 pages and PEP 658 metadata instead of the JSON API) and runs `poetry add` /
#      `poetry lock`: Poetry resolves and hashes every file itself;
#   2. removes the source again (`poetry source remove`), so pyproject.toml is an ordinary Poetry project;
#   3. drops the `[package.source]` tables (type legacy, reference pypi-simple) Poetry wrote for that
#      source: a package from PyPI has none;
#   4. recomputes `content-hash` with Poetry's own Locker, because the hash covers `[tool.poetry.source]`
#      and step 2 changed it (without this, `poetry check --lock` says pyproject.toml changed
#      significantly);
#   5. checks the result with `poetry check --lock`.
set -euo pipefail
poetry=${POETRY:-poetry}
app=${1:?usage: corpus-poetry-lock.sh APP_DIR [DEPENDENCY...]}
shift
cd "$app"
export SSL_CERT_FILE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
export REQUESTS_CA_BUNDLE=${REQUESTS_CA_BUNDLE:-$SSL_CERT_FILE}

"$poetry" source add --priority=primary pypi-simple https://pypi.org/simple/ >/dev/null
# `poetry source remove` leaves an empty `source = []` behind in [tool.poetry]; a project that never had
# a source has no such line.
restore() {
  "$poetry" source remove pypi-simple >/dev/null 2>&1 || true
  sed -i '/^source = \[\]$/d' pyproject.toml
}
trap restore EXIT
if [ "$#" -gt 0 ]; then
  "$poetry" add --lock "$@"
else
  "$poetry" lock
fi
restore
trap - EXIT

# Poetry's own interpreter computes the hash (the same code `poetry lock` and `poetry check` use).
poetry_python=$(head -1 "$(command -v "$poetry")" | sed 's/^#!//')
"$poetry_python" - <<'PY'
import pathlib
import re

from poetry.factory import Factory

lock = pathlib.Path("poetry.lock")
text = lock.read_text()
text = re.sub(
    r'\n\[package\.source\]\ntype = "legacy"\nurl = "https://pypi\.org/simple"\nreference = "pypi-simple"\n',
    "\n",
    text,
)
assert "pypi-simple" not in text, "a [package.source] table for pypi-simple is left in poetry.lock"
content_hash = Factory().create_poetry(pathlib.Path.cwd()).locker._get_content_hash()
text = re.sub(r'^content-hash = "[0-9a-f]+"$', f'content-hash = "{content_hash}"', text, flags=re.M)
lock.write_text(text)
PY
"$poetry" check --lock
