from django.db import models


class Ping(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, default="web")
