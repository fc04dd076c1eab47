from django.apps import AppConfig


class ScanConfig(AppConfig):
    name = "leerkoers.scan"

    def ready(self):
        from leerkoers.orgs import demo, journey
        from leerkoers.scan import demo as scan_demo
        from leerkoers.scan import journey as scan_journey

        journey.register("scan", scan_journey.report)
        demo.register("scan", scan_demo.seed)
