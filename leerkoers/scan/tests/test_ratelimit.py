"""The reusable rate limit: a decorator and a function on the database cache."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from leerkoers.scan.ratelimit import client_address, ratelimit, retry_after

pytestmark = pytest.mark.django_db


@ratelimit("test-view", limit=2, window=60)
def view(request):
    return HttpResponse("ok")


def _post(address="192.0.2.1", **meta):
    return RequestFactory().post("/x", REMOTE_ADDR=address, **meta)


def test_it_answers_429_with_retry_after_over_the_limit():
    assert view(_post()).status_code == 200
    assert view(_post()).status_code == 200
    response = view(_post())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert view(_post("192.0.2.2")).status_code == 200  # another client


def test_it_does_not_count_reads():
    for _ in range(5):
        assert view(RequestFactory().get("/x", REMOTE_ADDR="192.0.2.3")).status_code == 200


def test_it_reads_limits_from_settings_and_can_be_switched_off(settings):
    settings.SOME_LIMIT, settings.SOME_WINDOW = 1, 60
    assert retry_after(_post("192.0.2.4"), "s", limit="SOME_LIMIT", window="SOME_WINDOW") is None
    assert retry_after(_post("192.0.2.4"), "s", limit="SOME_LIMIT", window="SOME_WINDOW") > 0
    settings.RATE_LIMIT_ENABLED = False
    assert retry_after(_post("192.0.2.4"), "s", limit="SOME_LIMIT", window="SOME_WINDOW") is None


def test_it_trusts_forwarded_addresses_only_behind_the_configured_proxies(settings):
    request = _post("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7"
