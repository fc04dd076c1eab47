"""The content model of the policy document: what both renderers (DOCX and PDF) draw.

A Document is a list of Sections; a Section is a title and blocks. Blocks hold text that is
already in the export's language and already formatted (numbers, money, dates): renderers
only lay it out, so the DOCX and the PDF cannot disagree about a figure.

Each section also carries its key figures as data (`Figure`), kept with every exported
version so that two versions can be compared figure by figure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 is the section's own title; blocks use 2 and 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # a smaller, muted paragraph (sources, "what to do first")


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    columns: list[str]  # the header row, repeated on every page
    rows: list[list[str]]
    caption: str = ""
    numeric: frozenset[int] = frozenset()  # column indexes aligned right


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the document writes it ("41%", "€ 12.000")
    shade: str = "brand"  # a key of charts.PALETTE


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart; `maximum` is the end of the scale (None: the largest bar)."""

    title: str
    bars: list[Bar]
    alt: str  # alternative text: what the chart says, in words and figures
    maximum: float | None = None


@dataclass(frozen=True)
class Definitions:
    items: list[tuple[str, str]]  # (term, what it means and where it comes from)


Block = Heading | Paragraph | Bullets | Table | Chart | Definitions


@dataclass(frozen=True)
class Figure:
    """A key figure as data: `key` is stable across languages, `value` as written."""

    key: str
    label: str
    value: str
    number: float | None = None


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    has_data: bool = True
    figures: list[Figure] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)  # gathered into the appendix


@dataclass
class Document:
    title: str
    organization: str
    date: datetime.date
    date_text: str  # as the language writes it
    language: str
    sections: list[Section]
    contents_title: str = ""  # "Contents" in the language; renderers put the table of contents there

    @property
    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]

    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]
