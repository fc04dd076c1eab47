"""Who manages whom, from the team tree of leerkoers.orgs (read once per request, pure after).

A member's manager is the manager of their team, or — when they manage that team
themselves, or it has none — of the nearest team above it that has another manager.
A manager's teams are the teams they manage and every team below those.
"""

from dataclasses import dataclass

from leerkoers.orgs.models import Team


@dataclass(frozen=True)
class TeamTree:
    parent: dict[int, int | None]
    manager: dict[int, int | None]  # team id → manager's membership id

    @classmethod
    def of(cls, organization) -> "TeamTree":
        rows = Team.objects.filter(organization=organization).values_list("pk", "parent_id", "manager_id")
        parent, manager = {}, {}
        for pk, parent_id, manager_id in rows:
            parent[pk], manager[pk] = parent_id, manager_id
        return cls(parent, manager)

    def manager_of(self, member_id: int, team_id: int | None) -> int | None:
        """The membership id of the manager of member `member_id` who sits in `team_id`."""
        seen = set()
        while team_id is not None and team_id not in seen and team_id in self.parent:
            seen.add(team_id)
            manager = self.manager[team_id]
            if manager is not None and manager != member_id:
                return manager
            team_id = self.parent[team_id]
        return None

    def managed_by(self, member_id: int) -> set[int]:
        """The teams `member_id` manages and every team below them."""
        children: dict[int | None, list[int]] = {}
        for team, parent in self.parent.items():
            children.setdefault(parent, []).append(team)
        found: set[int] = set()
        stack = [team for team, manager in self.manager.items() if manager == member_id]
        while stack:
            team = stack.pop()
            if team not in found:
                found.add(team)
                stack.extend(children.get(team, []))
        return found

    def reports_of(self, member_id: int, team_managers: dict[int, int | None]) -> tuple[set[int], set[int]]:
        """Who reports to `member_id`: (teams whose ordinary members do, managers who do).

        `team_managers` maps the membership id of each team manager to the team they sit in.
        """
        teams = {team for team in self.parent if self.manager_of(-1, team) == member_id}
        managers = {
            manager
            for manager, team in team_managers.items()
            if manager != member_id and self.manager_of(manager, team) == member_id
        }
        return teams, managers
