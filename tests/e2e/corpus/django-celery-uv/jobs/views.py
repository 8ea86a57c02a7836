from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import Report
from .tasks import build_report


def report_list(request):
    cache.get_or_set('hits', 0, None)
    hits = cache.incr('hits')
    reports = Report.objects.all()[:20]
    return render(request, 'jobs/report_list.html', {'reports': reports, 'hits': hits})


@require_POST
def report_create(request):
    report = Report.objects.create(name=request.POST.get('name', 'report'))
    build_report.delay(report.pk)
    return redirect('report-list')
