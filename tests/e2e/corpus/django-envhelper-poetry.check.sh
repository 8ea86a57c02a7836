# shellcheck shell=bash disable=SC2034
# Checks for django-envhelper-poetry (sourced by tests/e2e/corpus.sh; see its header for the variables).
# The note list at / counts views in the Redis cache; the form posts to /new/.
PAGE=/
COUNTER_RE='Viewed ([0-9]+) times'
CREATE=(form /new/ 'title={token}')
STATIC=/static/notes/notes.css
STATIC_EXPECT='.views'
