app_name = "booking_public"

# Public pages (no log-in).
urlpatterns: list = []
