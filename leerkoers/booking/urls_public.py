from django.urls import path

from leerkoers.booking import views

app_name = "booking_public"

# Public pages (no log-in) and, under adviseur/, the advisor's own pages.
urlpatterns = [
    path("", views.book, name="book"),
    path("beheer/<str:token>/", views.manage, name="manage"),
    path("beheer/<str:token>/verzetten/", views.reschedule, name="reschedule"),
    path("beheer/<str:token>/annuleren/", views.cancel, name="cancel"),
    path("beheer/<str:token>/uitnodiging.ics", views.invite_ics, name="ics"),
    path("bevestig/<str:token>/", views.verify, name="verify"),
    path("adviseur/", views.advisor_overview, name="advisor"),
    path("adviseur/beschikbaarheid/", views.availability, name="availability"),
    path("adviseur/sessies/<uuid:booking_id>/annuleren/", views.advisor_cancel, name="advisor_cancel"),
    path("adviseur/<id:advisor_id>/beschikbaarheid/", views.availability, name="availability_for"),
    path("adviseur/agenda/<id:advisor_id>/<str:token>.ics", views.feed, name="feed"),
]
