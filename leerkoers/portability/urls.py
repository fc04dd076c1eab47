from django.urls import path

from leerkoers.portability import views

app_name = "portability"

# Mounted under /o/<org_slug>/.
urlpatterns = [
    path("data/", views.data, name="data"),
    path("data/export/", views.export_start, name="export"),
    path("data/exports/<uuid:job_id>/download/", views.download, name="download"),
    path("data/delete/", views.deletion_request, name="delete"),
    path("data/delete/cancel/", views.deletion_cancel, name="delete_cancel"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
]
