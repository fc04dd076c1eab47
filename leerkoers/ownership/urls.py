from django.urls import path

from leerkoers.ownership import views, views_cycle

app_name = "ownership"

# Organisation pages, mounted under /o/<org_slug>/ownership/.
urlpatterns = [
    path("", views.index, name="index"),
    path("bulk-start/", views.bulk_start, name="bulk_start"),
    path("matrix/", views.matrix_edit, name="matrix"),
    path("matrix/processes/", views.process_add, name="process_add"),
    path("matrix/processes/<uuid:learning_process_id>/delete/", views.process_delete, name="process_delete"),
    path("plans/", views.plans, name="plans"),
    path("plans/<uuid:team_plan_id>/", views.plan_detail, name="plan"),
    path("plans/<uuid:team_plan_id>/goals/", views.plan_goal_add, name="plan_goal_add"),
    path("plans/<uuid:team_plan_id>/activities/", views.plan_activity_add, name="plan_activity_add"),
    path("plans/goals/<uuid:team_plan_goal_id>/delete/", views.plan_goal_remove, name="plan_goal_remove"),
    path(
        "plans/activities/<uuid:team_plan_activity_id>/delete/", views.plan_activity_remove, name="plan_activity_remove"
    ),
    path("pops/", views.pops, name="pops"),
    path("pops/<uuid:pop_id>/", views.pop_detail, name="pop"),
    path("pops/<uuid:pop_id>/steps/", views.pop_step, name="pop_step"),
    path("pops/<uuid:pop_id>/goals/", views.pop_goal_add, name="pop_goal_add"),
    path("pops/<uuid:pop_id>/activities/", views.pop_activity_add, name="pop_activity_add"),
    path("pops/goals/<uuid:pop_goal_id>/delete/", views.pop_goal_remove, name="pop_goal_remove"),
    path("pops/activities/<uuid:pop_activity_id>/delete/", views.pop_activity_remove, name="pop_activity_remove"),
    path("cycle/", views_cycle.calendar, name="cycle"),
    path("cycle/onboarding/", views_cycle.onboarding, name="onboarding"),
    path("cycle/conversations.ics", views_cycle.calendar_file, name="cycle_ics"),
    path("cycle/address/", views_cycle.calendar_feed, name="calendar_feed"),
    path("cycle/<uuid:conversation_id>/", views_cycle.conversation_detail, name="conversation"),
]
