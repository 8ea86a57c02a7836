# shellcheck shell=bash disable=SC2034
# Checks for django-mysql-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# The guestbook at / counts visits in the Redis cache and lists entries; POST / adds one.
PAGE=/
COUNTER_RE='visits: ([0-9]+)'
CREATE=(form / 'text={token}')
STATIC=/static/guestbook/style.css
STATIC_EXPECT='font-family'
