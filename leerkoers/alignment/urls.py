app_name = "alignment"

# Organisation pages, mounted under /o/<org_slug>/alignment/.
urlpatterns: list = []
