from ninja import Router, Schema

from leerkoers.api import api_access
from leerkoers.lib.pagination import Page, paginate
from leerkoers.orgs.access import STEERING
from leerkoers.orgs.models import Membership, Team

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
    access = api_access(request, org_slug)
    org = access.organization
    return {"slug": org.slug, "name": org.name, "sector": org.sector, "size_band": org.size_band, "role": access.role}


@router.get("/orgs/{org_slug}/teams", response=Page[TeamOut], summary="Teams")
def team_list(request, org_slug: str, limit: int = 100, offset: int = 0):
    access = api_access(request, org_slug)
    return paginate(access.filter(Team).order_by("name"), limit=limit, offset=offset)


@router.get("/orgs/{org_slug}/teams/{team_id}", response=TeamOut, summary="One team")
def team_detail(request, org_slug: str, team_id: int):
    access = api_access(request, org_slug)
    return access.get(Team, pk=team_id)


@router.get("/orgs/{org_slug}/members", response=Page[MemberOut], summary="Members (HR / L&D admins and advisors)")
def member_list(request, org_slug: str, limit: int = 100, offset: int = 0, role: str | None = None):
    access = api_access(request, org_slug, STEERING)
    members = access.filter(Membership).select_related("user").order_by("user__email")
    if role:
        members = members.filter(role=role)
    return paginate(members, limit=limit, offset=offset)
