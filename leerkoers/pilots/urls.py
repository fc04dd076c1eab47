from django.urls import path

from leerkoers.pilots import views

app_name = "pilots"

# Organisation pages, mounted under /o/<org_slug>/pilots/.
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.pilot_new, name="new"),
    path("<uuid:pilot_id>/", views.pilot_detail, name="pilot"),
    path("<uuid:pilot_id>/edit/", views.pilot_edit, name="edit"),
    path("<uuid:pilot_id>/draw/", views.pilot_draw, name="draw"),
    path("<uuid:pilot_id>/start/", views.pilot_start, name="start"),
    path("<uuid:pilot_id>/rule/", views.pilot_rule, name="rule"),
    path("<uuid:pilot_id>/evaluate/", views.pilot_evaluate, name="evaluate"),
    path("<uuid:pilot_id>/decide/", views.pilot_decide, name="decide"),
    path("<uuid:pilot_id>/forms/", views.evaluation_form_new, name="form_new"),
    path("forms/<uuid:evaluation_form_id>/invite/", views.evaluation_form_invite, name="form_invite"),
]
