import redis
from django.conf import settings
from django.http import JsonResponse

from .models import Ping


def e2e(request):
    """Insert a row, count the rows and ping Redis (used by the dockgen e2e tests)."""
    Ping.objects.create(source="web")
    rows = Ping.objects.count()
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        pong = "PONG" if client.ping() else "no reply"
    finally:
        client.close()
    return JsonResponse({"db_rows": rows, "redis": pong})
