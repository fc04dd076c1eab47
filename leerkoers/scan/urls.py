app_name = "scan"

# Organisation pages, mounted under /o/<org_slug>/scan/.
urlpatterns: list = []
