# shellcheck shell=bash disable=SC2034
# Checks for flaskr-uwsgi-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# The Flask tutorial's blog: the README has the operator run `flask --app flaskr init-db` once.
# / counts views in Redis and lists posts; POST /create adds one.
ONE_OFF=("flask --app flaskr init-db")
PAGE=/
COUNTER_RE='views: ([0-9]+)'
CREATE=(form /create 'title={token}&body=hello')
STATIC=/static/style.css
STATIC_EXPECT='sans-serif'
