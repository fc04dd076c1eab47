from django.urls import path

from leerkoers.orgs import views

app_name = "orgs"

# Mounted under /o/<org_slug>/.
urlpatterns = [
    path("", views.home, name="home"),
    path("journey/", views.route, name="journey"),
    path("members/", views.members, name="members"),
    path("members/<id:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<id:membership_id>/team/", views.member_team, name="member_team"),
    path("members/<id:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("teams/", views.teams, name="teams"),
    path("teams/<id:team_id>/", views.team_edit, name="team_edit"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:api_token_id>/revoke/", views.api_token_delete, name="api_token_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
]
