# shellcheck shell=bash disable=SC2034
# Checks for flask-old-migrate-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists the notes and counts visits in Redis; POST / adds a note.
PAGE=/
COUNTER_RE='Visits: ([0-9]+)'
CREATE=(form / 'body={token}')
STATIC=/static/style.css
STATIC_EXPECT='.notes'
