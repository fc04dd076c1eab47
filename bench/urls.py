"""The product's URLs, plus the benchmarks' reference view at /bench/reference/."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bench.models import ReferenceRow
from leerkoers import urls as product


@csrf_exempt  # a bare insert, without CSRF like the public API it is compared with
@require_POST
def reference(request):
    """The least a Django view can do to store one row."""
    with transaction.atomic():
        ReferenceRow.objects.create(payload=request.body[:2000].decode("utf-8", "replace"))
    return HttpResponse(status=201)


urlpatterns = [path("bench/reference/", reference), *product.urlpatterns]
handler400 = product.handler400
