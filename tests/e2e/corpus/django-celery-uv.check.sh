# shellcheck shell=bash disable=SC2034
# Checks for django-celery-uv (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / lists reports and counts hits in the Redis cache; POST /reports/ creates a report and enqueues the
# Celery task build_report, which marks it done.
PAGE=/
COUNTER_RE='hits: ([0-9]+)'
CREATE=(form /reports/ 'name={token}')
TASK=(form /reports/ 'name={token}-task')
TASK_DONE_RE='{token}-task</td>\s*<td>done'
STATIC=/static/jobs/site.css
STATIC_EXPECT='border-collapse'
