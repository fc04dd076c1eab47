app_name = "inventory"

# Organisation pages, mounted under /o/<org_slug>/inventory/.
urlpatterns: list = []
