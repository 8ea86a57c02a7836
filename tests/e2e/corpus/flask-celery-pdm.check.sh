# shellcheck shell=bash disable=SC2034
# Checks for flask-celery-pdm (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists orders and counts views in Redis; POST /orders stores an order and enqueues the Celery task
# `ship`, which marks it shipped.
PAGE=/
COUNTER_RE='views: ([0-9]+)'
CREATE=(form /orders 'item={token}')
TASK=(form /orders 'item={token}-task')
TASK_DONE_RE='{token}-task: shipped'
STATIC=/static/style.css
STATIC_EXPECT='sans-serif'
