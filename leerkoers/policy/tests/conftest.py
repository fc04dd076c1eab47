import pytest

from leerkoers.policy.models import PolicyExport


@pytest.fixture
def next_version(org):
    """make(key, value, number) → (the demo's first version, a next one where that figure differs)."""

    def make(key: str, value: str, number: float):
        first = PolicyExport.objects.filter(organization=org).earliest("number")
        figures = [dict(f, value=value, number=number) if f["key"] == key else f for f in first.figures]
        second = PolicyExport.objects.create(
            organization=org, number=first.number + 1, format="pdf", language="en", as_of=first.as_of,
            filename="x.pdf", content=b"%PDF", size=4, sections=first.sections, figures=figures,
        )  # fmt: skip
        return first, second

    return make
