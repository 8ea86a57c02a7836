from django.db import models


class Link(models.Model):
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ['-added']

    def __str__(self):
        return self.title
