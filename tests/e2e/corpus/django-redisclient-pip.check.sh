# shellcheck shell=bash disable=SC2034
# Checks for django-redisclient-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists products and counts visits with the Redis client the settings build at import; POST
# /api/products/ (Django REST framework) adds one.
PAGE=/
COUNTER_RE='([0-9]+) visits'
CREATE=(json /api/products/ '{"name": "{token}", "price": "4.50"}')
STATIC=/static/products/site.css
STATIC_EXPECT='font-family'
