"""What a web process does once, before its first request (called by leerkoers/wsgi.py)."""

import gc

from django.urls import get_resolver


def prepare() -> None:
    """Load every page and API operation now, then take what is loaded out of the garbage
    collector's sight.

    A process holds ~200,000 long-lived objects after start-up (Django, the URL modules with
    their views, the API's schemas, numpy, lxml, openpyxl…). Python's full collections, which a
    page that builds many rows sets off every few requests, walked all of them each time:
    ~140 ms on this 2-core machine, the p95 of the step 4 page of a 50,000-member organisation
    (docs/ownership.md, Performance). `gc.freeze` moves them to a generation no collection
    visits; objects made later are collected as before."""
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018  (reading it imports every URL module and fills the resolver)
    gc.collect()
    gc.freeze()
