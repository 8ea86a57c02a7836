# shellcheck shell=bash disable=SC2034
# Checks for django-asgi-settingspkg-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists the links and counts page views in the Redis cache; POST / adds a link.
PAGE=/
COUNTER_RE='Page views: ([0-9]+)'
CREATE=(form / 'title={token}&url=')
STATIC=/static/links/style.css
STATIC_EXPECT='font-family'
