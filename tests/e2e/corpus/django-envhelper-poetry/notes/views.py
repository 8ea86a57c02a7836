from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .models import Note


def note_list(request):
    try:
        views = cache.incr('notes:views')
    except ValueError:
        cache.set('notes:views', 1, timeout=None)
        views = 1
    return render(request, 'notes/note_list.html', {
        'notes': Note.objects.all()[:50],
        'views': views,
    })


@require_POST
def note_create(request):
    title = request.POST.get('title', '').strip()
    if title:
        Note.objects.create(title=title)
    return HttpResponseRedirect(reverse('notes:list'))
