from django.core.cache import cache
from django.shortcuts import redirect, render

from .forms import MessageForm
from .models import Message


def home(request):
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("home")
    else:
        form = MessageForm()

    cache.get_or_set("page_views", 0, timeout=None)
    page_views = cache.incr("page_views")
    messages = Message.objects.order_by("-posted_at")[:20]
    return render(
        request,
        "board/home.html",
        {"form": form, "messages": messages, "page_views": page_views},
    )
