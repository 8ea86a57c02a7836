# shellcheck shell=bash disable=SC2034
# Checks for fastapi-src-poetry (sourced by tests/e2e/corpus.sh; see its header for the variables).
# GET /api/v1/products/ counts views in Redis and lists products; POST creates one (JSON).
PAGE=/api/v1/products/
COUNTER_RE='"views":\s*([0-9]+)'
CREATE=(json /api/v1/products/ '{"title": "{token}", "price_cents": 250}')
STATIC=/static/app.js
STATIC_EXPECT='console.log'
