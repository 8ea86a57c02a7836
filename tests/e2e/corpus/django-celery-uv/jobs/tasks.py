from celery import shared_task
from django.utils import timezone

from .models import Report


@shared_task
def build_report(report_id):
    report = Report.objects.get(pk=report_id)
    report.finished_at = timezone.now()
    report.save(update_fields=['finished_at'])
    return report.pk
