# shellcheck shell=bash disable=SC2034
# Checks for fastapi-celery-pipenv (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / counts hits in Redis; POST /tasks stores a task row and enqueues the Celery task create_task, which
# marks it done; GET /tasks lists the rows (JSON).
PAGE=/
COUNTER_RE='"hits":\s*([0-9]+)'
TASK=(json /tasks '{"seconds": 1}')
TASK_DONE=/tasks
TASK_DONE_RE='"status":\s*"done"'
STATIC=/static/main.css
STATIC_EXPECT='color'
