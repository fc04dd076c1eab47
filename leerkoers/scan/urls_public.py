app_name = "scan_public"

# Public pages (no log-in).
urlpatterns: list = []
