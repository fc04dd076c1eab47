app_name = "booking"

# Organisation pages, mounted under /o/<org_slug>/booking/.
urlpatterns: list = []
