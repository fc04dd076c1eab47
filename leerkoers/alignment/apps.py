from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "leerkoers.alignment"

    def ready(self):
        from leerkoers.alignment import demo, report
        from leerkoers.orgs import demo as demo_registry
        from leerkoers.orgs import journey

        journey.register("alignment", report.report)
        demo_registry.register("alignment", demo.seed)
