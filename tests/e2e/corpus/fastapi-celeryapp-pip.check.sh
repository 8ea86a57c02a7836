# shellcheck shell=bash disable=SC2034
# Checks for fastapi-celeryapp-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# / counts hits in Redis; POST /reports stores a report and enqueues the Celery task build_report
# (app/tasks.py, on the app in app/celery_app.py), which marks it done; GET /reports lists them (JSON).
PAGE=/
COUNTER_RE='"hits":\s*([0-9]+)'
CREATE=(json /reports '{"title": "{token}"}')
CREATE_SHOWS=/reports
TASK=(json /reports '{"title": "{token} task two words"}')
TASK_DONE=/reports
TASK_DONE_RE='"title":\s*"{token} task two words",\s*"status":\s*"done",\s*"words":\s*4'
STATIC=/static/app.css
STATIC_EXPECT='font-family'
