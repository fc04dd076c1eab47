from django.apps import AppConfig


class VisionConfig(AppConfig):
    name = "leerkoers.vision"

    def ready(self):
        from leerkoers.orgs import demo, journey
        from leerkoers.vision import demo as vision_demo
        from leerkoers.vision import journey as vision_journey

        journey.register("vision", vision_journey.report)
        demo.register("vision", vision_demo.seed)
