# shellcheck shell=bash disable=SC2034
# Checks for django-celery-rabbitmq-pip (sourced by tests/e2e/corpus.sh; see its header for the variables).
# The guestbook at / counts visits in the Redis cache and lists entries; POST / adds one and enqueues
# the Celery task `approve` through RabbitMQ, which marks it approved.
PAGE=/
COUNTER_RE='visits: ([0-9]+)'
CREATE=(form / 'text={token}')
TASK=(form / 'text={token}-task')
TASK_DONE_RE='{token}-task: approved'
STATIC=/static/guestbook/style.css
STATIC_EXPECT='font-family'
