#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/flask-microblog-pip.sh):
# the generated files with a postgresql:// URL and the RQ worker on the app's queue (Procfile).
set -eu
sed -i 's#"postgres://#"postgresql://#' docker-compose.yml
sed -i 's#\["rq", "worker", "--url", "redis://redis:6379/0"\]#["rq", "worker", "--url", "redis://redis:6379/0", "microblog-tasks"]#' docker-compose.yml
grep -q '"microblog-tasks"' docker-compose.yml
