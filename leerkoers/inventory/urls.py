from django.urls import path

from leerkoers.inventory import views

app_name = "inventory"

# Organisation pages, mounted under /o/<org_slug>/inventory/.
urlpatterns = [
    path("", views.index, name="index"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<id:activity_id>/", views.activity_edit, name="activity_edit"),
    path("activities/<id:activity_id>/delete/", views.activity_remove, name="activity_delete"),
    path("activities/export/", views.export_activities, name="export_activities"),
    path("participations/", views.participation_list, name="participations"),
    path("participations/new/", views.participation_create, name="participation_create"),
    path("participations/<id:participation_id>/", views.participation_edit, name="participation_edit"),
    path("participations/<id:participation_id>/delete/", views.participation_remove, name="participation_delete"),
    path("participations/export/", views.export_participations, name="export_participations"),
    path("analysis/export/", views.export_analysis, name="export_analysis"),
    path("import/", views.import_start, name="import"),
    path("import/<uuid:import_run_uuid>/", views.import_detail, name="import_detail"),
    path("import/<uuid:import_run_uuid>/errors.csv", views.import_errors, name="import_errors"),
]
