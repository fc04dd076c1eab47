from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "leerkoers.inventory"
