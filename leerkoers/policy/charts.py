"""Charts of the policy document as PNG, drawn with Pillow in the product's palette.

Why Pillow and not matplotlib: the document needs one kind of chart (horizontal bars with
their value written beside them), Pillow is already installed with reportlab, and drawing
the bars ourselves keeps the output the same on every machine (fonts shipped in
`policy/fonts`, no font cache, no backend to configure). The same PNG goes into the DOCX
and the PDF, with the chart's alternative text beside it in both.
"""

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from leerkoers.policy.content import Chart

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"

# The product's colours (leerkoers/static/css/leerkoers.css).
PALETTE = {
    "brand": "#0b5563",
    "ok": "#1e6b34",
    "warn": "#8a5a00",
    "bad": "#a4262c",
    "muted": "#8593a6",
}
INK = "#1c2433"
LINE = "#d5dbe3"

WIDTH = 1800  # pixels; placed 16 cm wide, so about 285 dots per inch
DPI = 285
ROW = 64
TOP = 90
BOTTOM = 30
LABEL_WIDTH = 640
VALUE_WIDTH = 230
PAD = 24


@lru_cache(maxsize=4)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """`text`, shortened with an ellipsis until it fits `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes: one bar per `chart.bars`, scaled to `chart.maximum` (or the
    largest value), each with its label on the left and its written value on the right."""
    height = TOP + ROW * max(1, len(chart.bars)) + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font, title_font = _font(False, 30), _font(True, 30), _font(True, 36)
    draw.text((PAD, 24), _fit(draw, chart.title, title_font, WIDTH - 2 * PAD), fill=INK, font=title_font)
    bar_left = PAD + LABEL_WIDTH + PAD
    bar_span = WIDTH - bar_left - VALUE_WIDTH - PAD
    largest = max([bar.value for bar in chart.bars] + [chart.maximum or 0, 0])
    draw.line([(bar_left, TOP - 8), (bar_left, height - BOTTOM + 8)], fill=LINE, width=3)
    for index, bar in enumerate(chart.bars):
        top = TOP + index * ROW
        middle = top + ROW // 2
        label = _fit(draw, bar.label, label_font, LABEL_WIDTH)
        draw.text((PAD, middle), label, fill=INK, font=label_font, anchor="lm")
        length = 0 if largest <= 0 else round(bar_span * max(0.0, bar.value) / largest)
        if length:
            draw.rectangle([bar_left, top + 12, bar_left + length, top + ROW - 12], fill=PALETTE[bar.shade])
        draw.text((bar_left + length + 14, middle), bar.text, fill=INK, font=value_font, anchor="lm")
    buffer = BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def size_cm(png: bytes, width_cm: float) -> tuple[float, float]:
    """(width, height) in cm of the image placed `width_cm` wide."""
    with Image.open(BytesIO(png)) as image:
        width, height = image.size
    return width_cm, width_cm * height / width
