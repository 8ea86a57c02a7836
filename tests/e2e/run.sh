#!/usr/bin/env bash
# The end-to-end tier, as CI runs it: first the corpus lint (its apps contain nothing written to suit
# dockgen), then every corpus app built with the generated Dockerfile and run with the generated compose
# stack against real Postgres and Redis (tests/e2e/corpus.sh, which builds the stand-in base images and
# dockgen itself). Per-app results, then exactly `e2e: N passed, M failed`; exit 1 when any app failed.
#
# Usage: tests/e2e/run.sh [APP...]      (default: every app in tests/e2e/corpus)
set -euo pipefail
cd "$(dirname "$0")/../.."
docker info >/dev/null
tests/e2e/corpus-lint.sh
exec tests/e2e/corpus.sh "$@"
