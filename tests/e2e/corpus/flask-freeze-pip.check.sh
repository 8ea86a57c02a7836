# shellcheck shell=bash disable=SC2034
# Checks for flask-freeze-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / counts visits in Redis and lists the guestbook; POST / signs it. The image's Python must be one
# psycopg2-binary 2.9.5 has a wheel for (3.11), chosen from the index since nothing pins it.
PAGE=/
COUNTER_RE='Visits: ([0-9]+)'
CREATE=(form / 'name={token}')
STATIC=/static/guestbook.css
STATIC_EXPECT='.visits'
