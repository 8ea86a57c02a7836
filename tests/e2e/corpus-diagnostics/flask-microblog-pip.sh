#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/flask-microblog-pip.sh):
# the generated files with a postgresql+psycopg2:// URL (SQLAlchemy 2.1 maps a plain postgresql:// to
# psycopg 3) and the RQ worker on the app's queue (from the Procfile).
set -eu
sed -i 's#"postgres://#"postgresql+psycopg2://#' docker-compose.yml
grep -q '"postgresql+psycopg2://' docker-compose.yml
sed -i 's#\["rq", "worker", "--url", "redis://redis:6379/0"\]#["rq", "worker", "--url", "redis://redis:6379/0", "microblog-tasks"]#' docker-compose.yml
grep -q '"microblog-tasks"' docker-compose.yml
