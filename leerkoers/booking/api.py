from ninja import Router

# Full paths on every operation: /booking/… (public, auth=None per operation).
router = Router(tags=["booking"])
