from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "leerkoers.inventory"

    def ready(self) -> None:
        from leerkoers.inventory import demo
        from leerkoers.inventory import journey as inventory_journey
        from leerkoers.orgs import demo as demo_registry
        from leerkoers.orgs import journey

        journey.register("inventory", inventory_journey.report)
        demo_registry.register("inventory", demo.seed)
