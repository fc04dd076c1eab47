"""The reusable rate limit: a decorator and a function, one upsert per check."""

import json
import threading

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from leerkoers.ratelimit import limiter as ratelimit_module
from leerkoers.ratelimit.limiter import client_address, purge_expired, ratelimit, retry_after
from leerkoers.ratelimit.models import RateLimitCounter

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


def test_it_answers_429_after_the_limit_until_the_window_resets(monkeypatch):
    clock = [1_800_000_030]  # 30 s into a 60 s window
    monkeypatch.setattr(ratelimit_module, "_now", lambda: clock[0])
    for _ in range(2):
        assert view(_post("192.0.2.5")).status_code == 200
    response = view(_post("192.0.2.5"))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "30" in json.loads(response.content)["detail"]
    clock[0] += 29
    assert view(_post("192.0.2.5"))["Retry-After"] == "1"
    clock[0] += 1  # the next window
    assert view(_post("192.0.2.5")).status_code == 200
    assert view(_post("192.0.2.5")).status_code == 200
    assert view(_post("192.0.2.5")).status_code == 429


def test_it_counts_each_check_in_one_statement(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(ratelimit_module, "PURGE_ONE_IN", 10**9)
    with django_assert_num_queries(1):
        assert retry_after(_post("192.0.2.6"), "one", limit=5, window=60) is None
    with django_assert_num_queries(1):
        assert retry_after(_post("192.0.2.6"), "one", limit=5, window=60) is None
    assert RateLimitCounter.objects.get(key="one:192.0.2.6").count == 2


def test_it_purges_only_counters_whose_window_has_passed():
    RateLimitCounter.objects.create(key="old:192.0.2.7", window_end=1_000, count=3)
    RateLimitCounter.objects.create(key="new:192.0.2.7", window_end=2_000, count=3)
    assert purge_expired(now=1_500) == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new:192.0.2.7"]


def test_it_keeps_an_overlong_address_distinct_within_the_key_column():
    long_a, long_b = "a" * 300, "a" * 299 + "b"
    assert retry_after(_post(long_a), "long", limit=1, window=60) is None
    assert retry_after(_post(long_b), "long", limit=1, window=60) is None
    assert retry_after(_post(long_a), "long", limit=1, window=60) > 0


@pytest.mark.django_db(transaction=True)
def test_it_counts_every_one_of_many_concurrent_hits():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database refuses concurrent writers; run on PostgreSQL")
    threads, per_thread, limit = 8, 10, 30
    waits, errors = [], []
    start = threading.Barrier(threads)

    def hammer():
        try:
            start.wait()
            for _ in range(per_thread):
                waits.append(retry_after(_post("192.0.2.8"), "race", limit=limit, window=3600))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert RateLimitCounter.objects.get(key="race:192.0.2.8").count == threads * per_thread
    assert waits.count(None) == limit


def test_it_peeks_without_counting_and_forgets_on_request(django_assert_num_queries):
    from leerkoers.ratelimit.limiter import count_hit, forget, limit_reached

    assert limit_reached("peek", "subject", limit=2, window=60) is None
    assert count_hit("peek", "subject", limit=2, window=60) is None
    with django_assert_num_queries(1):
        assert limit_reached("peek", "subject", limit=2, window=60) is None
    assert count_hit("peek", "subject", limit=2, window=60) is None
    assert 1 <= limit_reached("peek", "subject", limit=2, window=60) <= 60
    assert limit_reached("peek", "other", limit=2, window=60) is None
    assert RateLimitCounter.objects.get(key="peek:subject").count == 2  # peeking counted nothing
    forget("peek", "subject")
    assert limit_reached("peek", "subject", limit=2, window=60) is None
