from django.apps import AppConfig


class ScanConfig(AppConfig):
    name = "leerkoers.scan"
