from django.urls import path

from leerkoers.scan import views_public as views

app_name = "scan_public"

# Public pages (no log-in), mounted at /scan/.
urlpatterns = [
    path("", views.scan, name="scan"),
    path("r/<str:token>/", views.respond, name="respond"),
    path("resultaat/<uuid:response_id>/", views.result, name="result"),
    path("resultaat/<uuid:response_id>/rapport.pdf", views.report, name="report"),
]
