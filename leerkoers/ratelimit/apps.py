from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "leerkoers.ratelimit"
    label = "ratelimit"
