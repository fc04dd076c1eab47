"""The PDF of a vision round's results, with reportlab (the report's page and tables: leerkoers.lib.pdf).

Built from results.RoundResults and results.OpinionGroups only: what the round page may not
show, the PDF cannot show either — a layer without enough ratings on a statement has a dash,
a layer below the threshold no count, a small opinion group no size or statements.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from leerkoers.lib import formatting
from leerkoers.lib.pdf import document, table
from leerkoers.scan.models import Layer
from leerkoers.vision.results import Computed, StatementRow
from leerkoers.vision.templatetags.vision_tags import interval, percent


def _cell(cell) -> str:
    if not cell.shown:
        return "—"
    return f"{percent(cell.agree)}\n{interval(cell.interval)}\nn = {cell.votes}"


def _statements(rows: list[StatementRow], body, *, split: bool):
    header = [_("Statement")] + [str(label) for _layer, label in Layer.choices] + ([_("Split")] if split else [])
    lines = [header]
    for row in rows:
        line = [Paragraph(escape(row.statement.text), body)] + [_cell(cell) for cell in row.cells]
        if split:
            line.append(percent(row.result.split))
        lines.append(line)
    widths = [6.2 * cm] + [2.2 * cm] * len(Layer.choices) + ([2 * cm] if split else [])
    return table(lines, widths)


def round_report(figures: Computed, *, organization_name: str) -> bytes:
    """The PDF of a round's results: participants per layer, the statements by kind with each
    layer's smoothed agree share, its 95 % interval and the number of ratings, and the opinion
    groups; thresholds applied as on the page."""
    result, opinion = figures.results, figures.opinion
    vision_round = result.round
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = BytesIO()
    title = _("Vision round: %(round)s") % {"round": vision_round.title}
    doc = document(buffer, title)
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(organization_name), body),
        Paragraph(_("Figures computed at %(when)s.") % {"when": formatting.datetime_(figures.computed_at)}, body),
        Paragraph(
            _(
                "Fixed when the round opened: broad support means at least %(threshold)s agreement in every "
                "layer; a layer counts on a statement from %(n)s ratings."
            )
            % {"threshold": percent(vision_round.consensus_threshold), "n": vision_round.shown_minimum},
            body,
        ),
        Spacer(0, 0.3 * cm),
        Paragraph(_("Participants per layer"), heading),
        table(
            [
                [c.label for c in result.participants] + [_("Total")],
                [str(c) for c in result.participants] + [str(result.total)],
            ],
            [3 * cm] * (len(result.participants) + 1),
        ),
    ]
    if result.too_small:
        labels = ", ".join(str(Layer(layer).label) for layer in result.too_small)
        story.append(
            Paragraph(
                escape(_("Left out of the consensus, too few participants: %(layers)s") % {"layers": labels}), body
            )
        )
    if result.link_only:
        labels = ", ".join(str(Layer(layer).label) for layer in result.link_only)
        story.append(
            Paragraph(
                escape(
                    _("Only shared-link participants in %(layers)s: such a layer needs twice %(n)s ratings.")
                    % {"layers": labels, "n": vision_round.shown_minimum}
                ),
                body,
            )
        )
    story.append(Spacer(0, 0.3 * cm))
    story.append(
        Paragraph(
            _(
                "In each cell: the agree share of the layer, smoothed as (agree + 1) / (ratings + 2); below it the "
                "95%% interval (Wilson) and the number of ratings. A pass counts as a rating that does not agree. "
                "— : fewer than %(n)s ratings from that layer, so no figure."
            )
            % {"n": vision_round.shown_minimum},
            body,
        )
    )
    sections = [
        (
            _("Broad support in every layer"),
            result.consensus,
            False,
            _("No statement has broad support in every layer yet."),
        ),
        (_("Statements that divide layers"), result.dividing, True, _("No statement divides layers.")),
        (
            _("Unclear: a layer lacks ratings"),
            result.unclear,
            False,
            _("Every statement has enough ratings in every layer."),
        ),
        (_("No broad support"), result.other, False, None),
    ]
    for name, rows, split, empty in sections:
        if not rows and empty is None:
            continue
        story.append(Paragraph(name, heading))
        story.append(_statements(rows, body, split=split) if rows else Paragraph(empty, body))
    story.append(Paragraph(_("Opinion groups across layers"), heading))
    if opinion.available:
        lines = [[_("Group"), _("Participants"), _("Typical statements (agree in the group · elsewhere)")]]
        for group in opinion.groups:
            size = (
                str(group.size)
                if group.size is not None
                else _("fewer than %(n)s") % {"n": vision_round.anonymity_threshold}
            )
            typical = [
                f"{escape(statement.text)} ({percent(inside)} · {percent(outside)})"
                for statement, inside, outside in group.typical
            ]
            lines.append([_("Group %(n)s") % {"n": group.number}, size, Paragraph("<br/>".join(typical) or "—", body)])
        story.append(table(lines, [2.5 * cm, 3 * cm, 11.5 * cm]))
    else:
        story.append(Paragraph(escape(opinion.reason), body))
    doc.build(story)
    return buffer.getvalue()
