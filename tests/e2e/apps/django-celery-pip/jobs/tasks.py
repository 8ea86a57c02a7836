from celery import shared_task

from .models import Ping


@shared_task(ignore_result=True)
def record_ping(source="celery"):
    """Insert one Ping row (exercised by the worker, not by the /e2e/ view)."""
    Ping.objects.create(source=source)
