from django.urls import path

from leerkoers.booking import views

app_name = "booking"

# Organisation pages, mounted under /o/<org_slug>/sessions/.
urlpatterns = [
    path("", views.org_sessions, name="index"),
]
