from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from leerkoers.lib.api_body import JsonBody, body_schema, validate_body
from leerkoers.lib.pagination import Page, paginate
from leerkoers.lib.params import Id, PathId
from leerkoers.orgs.access import EVERYONE, STEERING, api_access
from leerkoers.orgs.models import Membership, Role, Team
from leerkoers.orgs.services import team_create, team_update

router = Router(tags=["organisation"])


class OrganizationOut(Schema):
    slug: str
    name: str
    sector: str
    size_band: str
    role: str


class TeamOut(Schema):
    id: int
    name: str
    parent: int | None
    manager: int | None

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_manager(obj):
        return obj.manager_id


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    parent: Id | None = Field(None, description="id of the team it is part of")
    manager: Id | None = Field(None, description="id of the member who manages it")


class TeamPatch(Schema):
    """Only the fields sent are changed; send null to clear `parent` or `manager`."""

    name: str | None = Field(None, min_length=1, max_length=200)
    parent: Id | None = None
    manager: Id | None = None


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: str
    team: int | None
    employee_number: str

    @staticmethod
    def resolve_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_name(obj):
        return obj.user.full_name

    @staticmethod
    def resolve_team(obj):
        return obj.team_id


@router.get("/orgs/{org_slug}/", response=OrganizationOut, summary="The organisation and your role in it")
def organization_detail(request, org_slug: str):
    access = api_access(request, org_slug, EVERYONE)
    org = access.organization
    return {"slug": org.slug, "name": org.name, "sector": org.sector, "size_band": org.size_band, "role": access.role}


@router.get("/orgs/{org_slug}/teams", response=Page[TeamOut], summary="Teams")
def team_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    access = api_access(request, org_slug, EVERYONE)
    return paginate(access.filter(Team).order_by("name"), limit=limit, offset=offset)


@router.post(
    "/orgs/{org_slug}/teams",
    response={201: TeamOut},
    summary="Add a team (HR / L&D admins)",
    openapi_extra=body_schema(TeamIn),
)
def team_add(request, org_slug: str, payload: JsonBody):
    access = api_access(request, org_slug, STEERING, write=True)
    payload = validate_body(TeamIn, payload)
    team = team_create(
        organization=access.organization,
        name=payload.name,
        parent_id=payload.parent,
        manager_id=payload.manager,
        actor=request.auth,
    )
    return Status(201, team)


@router.get("/orgs/{org_slug}/teams/{team_id}", response=TeamOut, summary="One team")
def team_detail(request, org_slug: str, team_id: PathId):
    access = api_access(request, org_slug, EVERYONE)
    return access.get(Team, pk=team_id)


@router.patch("/orgs/{org_slug}/teams/{team_id}", response=TeamOut, summary="Rename or move a team (HR / L&D admins)")
def team_change(request, org_slug: str, team_id: PathId, payload: TeamPatch):
    access = api_access(request, org_slug, STEERING, write=True)
    team = access.get(Team, pk=team_id)
    sent = payload.dict(exclude_unset=True)
    if sent.get("name", "") is None:
        raise HttpError(422, _("A team's name cannot be empty."))
    changes = {"name" if field == "name" else f"{field}_id": value for field, value in sent.items()}
    return team_update(team=team, changes=changes, actor=request.auth)


@router.get("/orgs/{org_slug}/members", response=Page[MemberOut], summary="Members (HR / L&D admins and advisors)")
def member_list(request, org_slug: str, limit: int = 100, offset: int = 0, role: str | None = None):
    access = api_access(request, org_slug, STEERING)
    members = access.filter(Membership).select_related("user").order_by("user__email")
    if role:
        if role not in Role.values:
            raise HttpError(422, _("role must be one of: %(roles)s.") % {"roles": ", ".join(Role.values)})
        members = members.filter(role=role)
    return paginate(members, limit=limit, offset=offset)
