"""PDF reports of the scan with reportlab: one respondent's result, and a round's results.

The radar chart is drawn with reportlab's own graphics, so the PDF needs no browser.
A round's report is built from results.RoundResults only: what the page may not show,
the PDF cannot show either.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from leerkoers.lib import formatting
from leerkoers.lib.pdf import BRAND, document, table
from leerkoers.scan import results


def radar(labels: list[str], series: list[list[int | None]], names: list[str], size: float = 11 * cm) -> Drawing:
    """A radar chart of scores 0–100 (None drawn as 0, and marked in the table next to it)."""
    drawing = Drawing(size + 6 * cm, size)
    chart = SpiderChart()
    chart.x, chart.y = 3 * cm, 0.6 * cm
    chart.width = chart.height = size - 1.2 * cm
    chart.data = [[value or 0 for value in values] for values in series]
    chart.labels = labels
    chart.strands.strokeWidth = 1.5
    palette = [BRAND, colors.HexColor("#b5461b"), colors.HexColor("#1e6b34"), colors.HexColor("#8a5a00")]
    for index in range(len(series)):
        chart.strands[index].strokeColor = palette[index % len(palette)]
        chart.strands[index].fillColor = None
    chart.spokeLabels.fontName = "Helvetica"
    chart.spokeLabels.fontSize = 8
    drawing.add(chart)
    for index, name in enumerate(names if len(names) > 1 else []):
        drawing.add(String(0, size - 12 - 12 * index, name, fontSize=8, fillColor=palette[index % len(palette)]))
    return drawing


def _score(value) -> str:
    return formatting.number(value) if value is not None else _("not enough information")


def response_report(result: dict, *, title: str) -> bytes:
    """The PDF of one response: `result` is api.response_payload's dict."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    buffer = BytesIO()
    doc = document(buffer, title)
    level = result["level_label"] or _("not enough information")
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(_("Result of %(date)s") % {"date": formatting.date(timezone.localdate(), "long")}, body),
        Spacer(0, 0.3 * cm),
        Paragraph(
            _("Overall score: %(score)s of 100 — level: %(level)s")
            % {"score": _score(result["overall_score"]), "level": level},
            styles["Heading2"],
        ),
        radar([d["name"] for d in result["dimensions"]], [[d["score"] for d in result["dimensions"]]], [""]),
        Spacer(0, 0.3 * cm),
    ]
    rows = [[_("Dimension"), _("Score"), _("Advice")]]
    for d in result["dimensions"]:
        rows.append([Paragraph(d["name"], body), _score(d["score"]), Paragraph(d["advice"], body)])
    story.append(table(rows, [4.2 * cm, 2.6 * cm, 10.2 * cm]))
    names = {d["id"]: d["name"] for d in result["dimensions"]}
    if result["starting_point"]:
        story += [
            Spacer(0, 0.4 * cm),
            Paragraph(_("Recommended starting point"), styles["Heading2"]),
            Paragraph(", ".join(names[key] for key in result["starting_point"]), body),
        ]
    story += [
        Spacer(0, 0.4 * cm),
        Paragraph(
            _("Scores run from 0 (every statement: strongly disagree) to 100 (every statement: strongly agree)."),
            body,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def round_report(result, *, organization_name: str) -> bytes:
    """The PDF of a round's results (results.RoundResults): hidden groups carry no figure."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    buffer = BytesIO()
    title = _("Readiness scan: %(round)s") % {"round": result.round.title}
    doc = document(buffer, title)
    story = [Paragraph(title, styles["Title"]), Paragraph(organization_name, body), Spacer(0, 0.3 * cm)]
    groups = [result.overall] + result.layers
    shown = [g for g in groups if g.shown]
    if shown:
        story.append(
            radar(
                [d.name for d in result.dimensions],
                [[g.dimensions.get(d.id) for d in result.dimensions] for g in shown],
                [g.label for g in shown],
            )
        )
    header = [_("Dimension")] + [g.label for g in groups]
    rows = [header, [_("Respondents")] + [str(g.respondents) for g in groups]]
    marks = {"group": "—", "few": "*", "complementary": "†"}
    used = set()

    def cell(group, dimension_id):
        if not group.shown:
            used.add("group")
            return marks["group"]
        reason = group.cell_reasons.get(dimension_id)
        if reason:
            used.add(reason)
            return marks[reason]
        interval = group.intervals.get(dimension_id)
        score = group.dimensions.get(dimension_id)
        return f"{score}\n({interval[0]}–{interval[1]})" if interval else _score(score)

    for d in result.dimensions:
        rows.append([Paragraph(d.name, body)] + [cell(g, d.id) for g in groups])
    overall_row = [_("Overall")]
    for g in groups:
        if not g.shown:
            overall_row.append(marks["group"])
        elif g.overall_interval:
            overall_row.append(f"{g.overall}\n({g.overall_interval[0]}–{g.overall_interval[1]})")
        else:
            overall_row.append(_score(g.overall))
    rows.append(overall_row)
    width = 13 * cm / len(groups)
    story.append(table(rows, [4 * cm] + [width] * len(groups)))
    story.append(Spacer(0, 0.3 * cm))
    story.append(Paragraph(_("In brackets: the 95% interval (t-interval over the respondents)."), body))
    # Say why each mark is there, as the page does: a whole group, or one cell for one reason.
    for g in groups:
        if not g.shown and g.reason:
            story.append(Paragraph(escape(f"— {g.label}: {g.reason}"), body))
    if "few" in used:
        story.append(
            Paragraph(
                _("* : fewer than %(n)s people answered this dimension (anonymity).") % {"n": result.threshold}, body
            )
        )
    if "complementary" in used:
        story.append(
            Paragraph(_("† : not shown, so that a smaller hidden cell cannot be worked out from the others."), body)
        )
    if result.excluded:
        story.append(
            Paragraph(
                _("%(n)s responses given faster than a person can read the statements are not counted.")
                % {"n": result.excluded},
                body,
            )
        )
    high = [d for d in result.dimensions if d.dont_know_high]
    if high:
        story.append(Paragraph(_("Many “I don't know” answers"), styles["Heading2"]))
        for d in high:
            story.append(Paragraph(results.dont_know_sentence(d.name, d.dont_know), body))
    if result.gaps:
        story.append(Paragraph(_("Largest differences between layers"), styles["Heading2"]))
        story += [Paragraph(gap["text"], body) for gap in result.gaps]
    if result.overall.shown and result.overall.level:
        story.append(Paragraph(_("Level: %(level)s") % {"level": result.overall.level_text}, styles["Heading2"]))
    doc.build(story)
    return buffer.getvalue()
