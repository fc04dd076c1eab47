from django.urls import path

from leerkoers.policy import views

app_name = "policy"

# Organisation pages, mounted under /o/<org_slug>/policy/.
urlpatterns = [
    path("", views.index, name="index"),
    path("sections/", views.layout_update, name="layout"),
    path("exports/", views.export_start, name="export"),
    path("exports/<uuid:policy_export_id>/file/", views.download, name="download"),
    path("compare/", views.compare, name="compare"),
]
