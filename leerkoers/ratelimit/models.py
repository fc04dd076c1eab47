from django.db import models


class RateLimitCounter(models.Model):
    """One client's counter under one rate-limit prefix (leerkoers/ratelimit/limiter.py).

    `key` is "<prefix>:<client address>"; `count` counts the requests of the fixed window
    that ends at `window_end` (seconds since the epoch). A row is reused for the next window
    and deleted once its window has passed and nobody came back (an occasional purge). The key
    is the primary key: one index, and no sequence that every upsert would advance.
    """

    key = models.CharField(max_length=200, primary_key=True)
    window_end = models.BigIntegerField()
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.window_end}"
