#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/django-startproject-pip.sh):
# the generated files plus what the findings say is missing: DB=postgres, libpq5 in the runtime.
set -eu
sed -i 's/^    DB:$/    DB: "postgres"/' docker-compose.yml
grep -q '^    DB: "postgres"$' docker-compose.yml
sed -i 's/^RUN groupadd /RUN apt-get update \&\& apt-get install -y --no-install-recommends libpq5 \&\& rm -rf \/var\/lib\/apt\/lists\/*\nRUN groupadd /' Dockerfile
grep -q 'libpq5' Dockerfile
