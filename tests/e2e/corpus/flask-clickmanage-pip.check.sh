# shellcheck shell=bash disable=SC2034
# Checks for flask-clickmanage-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists the books and counts visits in Redis; POST / adds a book.
PAGE=/
COUNTER_RE='Visits: ([0-9]+)'
CREATE=(form / 'title={token}')
STATIC=/static/app.css
STATIC_EXPECT='.shelf'
