from django.db import models


class Report(models.Model):
    name = models.CharField(max_length=100)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ['-requested_at']

    def __str__(self):
        return self.name
