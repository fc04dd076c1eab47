from leerkoers.journey import steps_for
from leerkoers.orgs.access import accessible_organizations


def organizations(request):
    """The organisation switcher and the journey navigation in the base layout: the steps
    whose page the caller's role in the organisation shown may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def journey_steps():
        access = getattr(request, "access", None)
        return steps_for(access.role if access is not None else None)

    return {
        "switcher_organizations": lambda: accessible_organizations(user),
        "journey_steps": journey_steps,
    }
