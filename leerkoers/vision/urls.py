from django.urls import path

from leerkoers.vision import views

app_name = "vision"

# Organisation pages, mounted under /o/<org_slug>/vision/.
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/", views.round_create, name="round_create"),
    path("rounds/<uuid:vision_round_id>/", views.round_detail, name="round"),
    path("rounds/<uuid:vision_round_id>/invite/", views.round_invite, name="round_invite"),
    path("rounds/<uuid:vision_round_id>/close/", views.round_close_view, name="round_close"),
    path("rounds/<uuid:vision_round_id>/moderation/", views.moderation, name="moderation"),
    path("rounds/<uuid:vision_round_id>/statements/", views.statement_seed, name="statement_seed"),
    path("rounds/<uuid:vision_round_id>/answers/", views.answers, name="answers"),
    path("rounds/<uuid:vision_round_id>/draft/", views.draft, name="draft"),
    path("rounds/<uuid:vision_round_id>/ratings.csv", views.round_export, name="round_export"),
    path("rounds/<uuid:vision_round_id>/report.pdf", views.round_report, name="round_report"),
    path("statements/<uuid:vision_statement_id>/moderate/", views.statement_moderate_view, name="moderate"),
    path("statements/<uuid:vision_statement_id>/merge/", views.statement_merge_view, name="merge"),
    path("versions/<uuid:vision_version_id>/", views.version_detail, name="version"),
    path("versions/<uuid:vision_version_id>/endorse/", views.version_endorse, name="version_endorse"),
    path("versions/<uuid:vision_version_id>/approve/", views.version_approve_view, name="version_approve"),
]
