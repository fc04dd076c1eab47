from django.urls import path

from leerkoers.scan import views

app_name = "scan"

# Organisation pages, mounted under /o/<org_slug>/scan/.
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/", views.round_create, name="round_create"),
    path("rounds/<uuid:scan_round_id>/", views.round_detail, name="round"),
    path("rounds/<uuid:scan_round_id>/counts/", views.round_counts, name="round_counts"),
    path("rounds/<uuid:scan_round_id>/close/", views.round_close_view, name="round_close"),
    path("rounds/<uuid:scan_round_id>/invite/", views.round_invite, name="round_invite"),
    path("rounds/<uuid:scan_round_id>/results.csv", views.round_export, name="round_export"),
    path("rounds/<uuid:scan_round_id>/report.pdf", views.round_report, name="round_report"),
]
