from django.urls import path

from leerkoers.ownership import views_public

app_name = "ownership_public"

# A member's secret calendar address (no log-in: a calendar app fetches it), mounted at /agenda/.
urlpatterns = [
    path("<str:token>.ics", views_public.feed, name="feed"),
]
