from django.urls import path

from leerkoers.vision import views_public as views

app_name = "vision_public"

# Participants' pages (no log-in), mounted at /visie/.
urlpatterns = [
    path("l/<str:token>/", views.start, name="start"),
    path("d/<str:token>/", views.participate, name="participate"),
    path("d/<str:token>/rate/", views.rate, name="rate"),
    path("d/<str:token>/statements/", views.propose, name="propose"),
    path("d/<str:token>/questions/", views.questions, name="questions"),
    path("d/<str:token>/endorse/", views.endorse, name="endorse"),
]
