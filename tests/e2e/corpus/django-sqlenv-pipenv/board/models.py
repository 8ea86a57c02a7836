from django.db import models


class Message(models.Model):
    body = models.CharField(max_length=280)
    posted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.body
