"""Reads of the organisation's structure that pages show."""

from django.db.models import Count

from leerkoers.orgs.models import Team


def team_tree(organization) -> list[tuple[Team, int]]:
    """The organisation's teams depth first, each with its depth (0 at the top), siblings by
    name; each team carries its manager, parent and `member_count`."""
    teams = (
        Team.objects.filter(organization=organization)
        .select_related("manager__user", "parent")
        .annotate(member_count=Count("members"))
        .order_by("name")
    )
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)

    def walk(parent_id, depth):
        for team in children.get(parent_id, []):
            yield team, depth
            yield from walk(team.pk, depth + 1)

    return list(walk(None, 0))
