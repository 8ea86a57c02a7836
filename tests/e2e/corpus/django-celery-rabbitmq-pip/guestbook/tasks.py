from celery import shared_task

from .models import Entry


@shared_task
def approve(entry_id):
    Entry.objects.filter(pk=entry_id).update(approved=True)
