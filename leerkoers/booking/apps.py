from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "leerkoers.booking"

    def ready(self) -> None:
        # Booking is not a step of the journey, so there is no journey reporter; only demo data.
        from leerkoers.booking import demo
        from leerkoers.orgs import demo as demo_registry

        demo_registry.register("booking", demo.seed)
