# shellcheck shell=bash disable=SC2034
# Checks for django-sqlenv-pipenv (sourced by tests/e2e/corpus.sh; see its header for the variables).
# The message board at / counts page views in django-redis and lists messages; POST / adds one.
PAGE=/
COUNTER_RE='Page views: ([0-9]+)'
CREATE=(form / 'body={token}')
STATIC=/static/board/main.css
STATIC_EXPECT='max-width'
