from django.apps import AppConfig


class VisionConfig(AppConfig):
    name = "leerkoers.vision"
