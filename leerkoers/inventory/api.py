from ninja import Router

# Full paths on every operation: /orgs/{org_slug}/….
router = Router(tags=["inventory"])
