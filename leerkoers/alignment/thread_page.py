"""The golden-thread page's view of a `ThreadReport`: titles, the laid-out flow diagram and
rows for the tables. Presentation only; every figure comes from `golden_thread.report`."""

from django.utils.translation import gettext as _

from leerkoers.alignment import golden_thread as gt
from leerkoers.alignment.flow_layout import layout
from leerkoers.lib import formatting


def team_label(team, team_names: dict) -> str:
    if team == gt.NO_RECORDS:
        return _("No participation records")
    if team is None:
        return _("No team")
    return team_names.get(team, _("No team"))


def period_label(period) -> str:
    if period is None:
        return ""
    start, end = period
    return _("%(start)s to %(end)s") % {
        "start": formatting.date(start),
        "end": formatting.date(end),
    }


def context(report: gt.ThreadReport, *, kpis, team_names: dict, rationales: dict) -> dict:
    sg_titles, lg_titles = report.strategic_goal_titles, report.learning_goal_titles
    activity_titles = report.activity_titles
    hours = report.weight == gt.HOURS
    diagram = layout(
        report.flow,
        strategic_goal_titles=sg_titles,
        learning_goal_titles=lg_titles,
        activity_titles=activity_titles,
        no_strategic_goal=_("No strategic goal"),
        no_learning_goal=_("No learning goal"),
        other_activities=_("%(count)d other activities"),
        value_format=formatting.duration if hours else formatting.money,
    )
    kpis_of_goal: dict[int, list] = {}
    for kpi, assessment in kpis:
        kpis_of_goal.setdefault(kpi.strategic_goal_id, []).append((kpi, assessment))
    learning_goals = report.thread.learning_goals
    return {
        "report": report,
        "thread": report.thread,
        "spend": report.spend,
        "hours": report.hours,
        "period_label": period_label(report.period),
        "spend_all": formatting.percent(report.spend_all.share) if report.spend_all.total else "–",
        "hours_all": formatting.percent(report.hours_all.share) if report.hours_all.total else "–",
        "weight": report.weight,
        "gaps": report.gaps,
        "sg_titles": sg_titles,
        "lg_titles": lg_titles,
        "diagram": diagram,
        "flow_rows_first": [
            (
                sg_titles.get(link.source, _("No strategic goal")),
                lg_titles.get(link.target, _("No learning goal")),
                link.value,
            )
            for link in report.flow.goal_to_learning
        ],
        "flow_rows_second": [
            (lg_titles.get(link.source, _("No learning goal")), activity_titles.get(link.target, ""), link.value)
            for link in report.flow.learning_to_activity
        ],
        "value_format_hours": hours,
        "by_team": sorted(
            ((team_label(row.team, team_names), row.spend, row.hours) for row in report.by_team),
            key=lambda row: (row[0] == _("No team"), row[0]),
        ),
        "by_participants": [
            (team_label(row.team, team_names), row.spend, row.hours)
            for row in sorted(
                report.by_participants,
                key=lambda row: (row.team == gt.NO_RECORDS, row.team is None, team_label(row.team, team_names)),
            )
        ],
        "trend": [(row.period, row.spend, row.hours) for row in report.trend],
        "trend_chart": {
            "labels": [row.period for row in report.trend],
            "spend": [round(row.spend.share * 100, 1) for row in report.trend],
            "hours": [round(row.hours.share * 100, 1) for row in report.trend],
            "spendLabel": _("Aligned spend (%)"),
            "hoursLabel": _("Aligned hours (%)"),
        },
        "matrix_rows": [
            (
                sg,
                [(lg, on, rationales.get((sg.id, lg.id), "")) for lg, on in zip(learning_goals, cells, strict=True)],
                kpis_of_goal.get(sg.id, []),
            )
            for sg, cells in report.matrix
        ],
        "learning_goals": learning_goals,
        "kpis": kpis,
        "unlinked_titles": report.unlinked_titles(),
        "suggestion_count": len(report.suggestions),
    }
