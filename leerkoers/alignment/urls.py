from django.urls import path

from leerkoers.alignment import views

app_name = "alignment"

# Organisation pages, mounted under /o/<org_slug>/alignment/.
urlpatterns = [
    path("", views.index, name="index"),
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<id:strategic_goal_id>/", views.goal_detail, name="goal_detail"),
    path("goals/<id:strategic_goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<id:strategic_goal_id>/delete/", views.goal_delete, name="goal_delete"),
    path("themes/", views.themes, name="themes"),
    path("themes/<id:theme_id>/delete/", views.theme_delete, name="theme_delete"),
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/import/", views.measurement_import_view, name="measurement_import"),
    path("kpis/<id:kpi_id>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<id:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<id:kpi_id>/delete/", views.kpi_delete, name="kpi_delete"),
    path(
        "kpis/<id:kpi_id>/measurements/<id:measurement_id>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
    path("learning-goals/", views.learning_goals, name="learning_goals"),
    path("learning-goals/new/", views.learning_goal_create, name="learning_goal_create"),
    path("learning-goals/smart-check/", views.smart_check_fragment, name="smart_check"),
    path("learning-goals/<id:learning_goal_id>/", views.learning_goal_detail, name="learning_goal_detail"),
    path("learning-goals/<id:learning_goal_id>/edit/", views.learning_goal_edit, name="learning_goal_edit"),
    path("learning-goals/<id:learning_goal_id>/delete/", views.learning_goal_delete, name="learning_goal_delete"),
    path(
        "learning-goals/<id:learning_goal_id>/activities/",
        views.learning_goal_activity_add,
        name="learning_goal_activity_add",
    ),
    path(
        "learning-goals/<id:learning_goal_id>/activities/<id:activity_id>/remove/",
        views.learning_goal_activity_remove,
        name="learning_goal_activity_remove",
    ),
    path("activities/", views.activities, name="activities"),
    path("activities/<id:activity_id>/link/", views.activity_link, name="activity_link"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/reject/", views.suggestion_reject, name="suggestion_reject"),
]
