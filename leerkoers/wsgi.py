import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkoers.settings")
application = get_wsgi_application()

from leerkoers.lib import process  # noqa: E402  (needs the apps that get_wsgi_application loads)

process.prepare()
