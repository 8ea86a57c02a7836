#!/usr/bin/env bash
# Diagnostic for FINDINGS.md (CORPUS_PATCH=tests/e2e/corpus-diagnostics/fastapi-async-uv.sh):
# the generated files with an asyncpg URL and the required ADMIN_EMAIL setting.
set -eu
sed -i 's#"postgres://#"postgresql+asyncpg://#' docker-compose.yml
sed -i 's#^    REDIS_URL: \(.*\)$#    REDIS_URL: \1\n    ADMIN_EMAIL: "ops@example.com"#' docker-compose.yml
grep -q 'ADMIN_EMAIL' docker-compose.yml
