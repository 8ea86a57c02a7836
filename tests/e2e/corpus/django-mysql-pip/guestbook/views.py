from django.core.cache import cache
from django.shortcuts import redirect, render

from .models import Entry


def index(request):
    if request.method == 'POST':
        text = request.POST.get('text', '').strip()
        if text:
            Entry.objects.create(text=text)
        return redirect('guestbook:index')

    # cache.incr raises ValueError when the key does not exist yet
    if cache.add('visits', 1):
        visits = 1
    else:
        visits = cache.incr('visits')
    entries = Entry.objects.all()[:20]
    return render(request, 'guestbook/index.html', {'entries': entries, 'visits': visits})
