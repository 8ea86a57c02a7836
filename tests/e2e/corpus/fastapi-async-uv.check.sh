# shellcheck shell=bash disable=SC2034
# Checks for fastapi-async-uv (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / counts visits in Redis (JSON); POST /items/ stores an item through async SQLAlchemy; GET /items/ lists.
PAGE=/
COUNTER_RE='"visits":\s*([0-9]+)'
CREATE=(json /items/ '{"name": "{token}", "quantity": 3}')
CREATE_SHOWS=/items/
STATIC=/static/health.json
STATIC_EXPECT='"status"'
