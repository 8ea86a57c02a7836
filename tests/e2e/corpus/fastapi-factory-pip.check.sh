# shellcheck shell=bash disable=SC2034
# Checks for fastapi-factory-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / counts visits in Redis (JSON); POST /api/items stores an item; GET /api/items lists them.
PAGE=/
COUNTER_RE='"visits":\s*([0-9]+)'
CREATE=(json /api/items '{"name": "{token}", "quantity": 2}')
CREATE_SHOWS=/api/items
STATIC=/static/style.css
STATIC_EXPECT='font-family'
