# shellcheck shell=bash disable=SC2034
# Checks for flask-setupcfg-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists the notes and counts hits in Redis; POST / adds a note.
PAGE=/
COUNTER_RE='Seen ([0-9]+) times'
CREATE=(form / 'body={token}')
STATIC=/static/style.css
STATIC_EXPECT='font-family'
