#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/fastapi-celery-pipenv.sh):
# the generated files with a postgresql:// URL (psycopg2 through SQLAlchemy).
set -eu
sed -i 's#"postgres://#"postgresql://#' docker-compose.yml
grep -q '"postgresql://' docker-compose.yml
