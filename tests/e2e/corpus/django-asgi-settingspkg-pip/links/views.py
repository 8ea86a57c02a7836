from django.core.cache import cache
from django.shortcuts import redirect, render

from .forms import LinkForm
from .models import Link


def index(request):
    if request.method == 'POST':
        form = LinkForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect('links:index')
    else:
        form = LinkForm()
    cache.add('visits', 0, timeout=None)
    visits = cache.incr('visits')
    return render(request, 'links/index.html', {
        'form': form,
        'links': Link.objects.all()[:50],
        'visits': visits,
    })
