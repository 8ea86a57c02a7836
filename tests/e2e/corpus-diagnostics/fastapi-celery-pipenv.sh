#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/fastapi-celery-pipenv.sh):
# the generated files with a postgresql+psycopg2:// URL (SQLAlchemy 2.1 maps a plain postgresql:// to
# psycopg 3, and the app has psycopg2-binary).
set -eu
sed -i 's#"postgres://#"postgresql+psycopg2://#' docker-compose.yml
grep -q '"postgresql+psycopg2://' docker-compose.yml
