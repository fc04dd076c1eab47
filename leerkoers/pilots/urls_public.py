from django.urls import path

from leerkoers.pilots import views_public

app_name = "pilots_public"

# The evaluation forms' private links (no log-in), mounted at /pilot/.
urlpatterns = [
    path("f/<str:token>/", views_public.respond, name="respond"),
]
