import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Service tests compare messages in English (the source language); pages set their own."""
    with translation.override("en"):
        yield
