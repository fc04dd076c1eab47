from django.urls import include, path
from django.views.i18n import set_language

from leerkoers.api import api
from leerkoers.lib import params  # noqa: F401  registers the <id:...> converter used by the includes
from leerkoers.orgs import views as org_views

# Everything of one organisation lives under /o/<org_slug>/ and passes the access
# mechanism in leerkoers.orgs.access (the isolation test enumerates these patterns).
org_patterns = [
    path("", include("leerkoers.orgs.urls")),
    path("jobs/", include("leerkoers.jobs.urls")),
    path("scan/", include("leerkoers.scan.urls")),
    path("inventory/", include("leerkoers.inventory.urls")),
    path("alignment/", include("leerkoers.alignment.urls")),
    path("sessions/", include("leerkoers.booking.urls")),
    path("vision/", include("leerkoers.vision.urls")),
    path("pilots/", include("leerkoers.pilots.urls")),
    path("ownership/", include("leerkoers.ownership.urls")),
    path("", include("leerkoers.portability.urls")),
    path("policy/", include("leerkoers.policy.urls")),
]

urlpatterns = [
    path("", org_views.landing, name="landing"),
    path("accounts/", include("leerkoers.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("o/<slug:org_slug>/", include(org_patterns)),
    path("api/v1/", api.urls),
    path("scan/", include("leerkoers.scan.urls_public")),
    path("sessie/", include("leerkoers.booking.urls_public")),
    path("visie/", include("leerkoers.vision.urls_public")),
    path("pilot/", include("leerkoers.pilots.urls_public")),
    path("agenda/", include("leerkoers.ownership.urls_public")),
]

handler400 = org_views.bad_request
