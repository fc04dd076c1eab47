from leerkoers.journey import STEPS
from leerkoers.orgs.access import accessible_organizations


def organizations(request):
    """The organisation switcher and the journey navigation in the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_organizations": lambda: accessible_organizations(user),
        "journey_steps": STEPS,
    }
