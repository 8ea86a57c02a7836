# shellcheck shell=bash disable=SC2034
# Checks for flask-microblog-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists posts and counts hits in Redis; POST / publishes a post. POST /archive/1 (the first post,
# the one CREATE made on a fresh database) enqueues app.tasks.archive_post on the RQ queue
# `microblog-tasks`; the worker marks the post archived.
PAGE=/
COUNTER_RE='Hits: ([0-9]+)'
CREATE=(form / 'post={token}')
TASK=(form /archive/1 '')
TASK_DONE_RE='{token} \(archived\)'
STATIC=/static/style.css
STATIC_EXPECT='.flash'
