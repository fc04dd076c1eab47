from django.db import models


class ReferenceRow(models.Model):
    """Written only by the reference view (bench/urls.py)."""

    payload = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
