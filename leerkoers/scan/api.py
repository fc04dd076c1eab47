from ninja import Router

# Full paths on every operation: /scan/… (public, auth=None per operation) and
# /orgs/{org_slug}/scan/… (organisation rounds).
router = Router(tags=["scan"])
