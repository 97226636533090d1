"""Supervision API (督查): the violations register, inspections and their findings, district-wide
notices, correction orders, the departments' scorecard and each community's plaques and ledgers.

Every path under /supervision/ needs a signed-in person (bearer token or session) and is scoped
by oversight.permissions: what the person may not see answers 404, a step they may not take
403 (the services ask the workflow tables). Published notices (/notices) and the scorecard are
public. Lists answer {"count", "items"} with `limit`/`offset`. Files (a finding's photos, an
order's evidence) travel inside the JSON body as base64 (docs/supervision.md, "API")."""

from communitygate.oversight.api import figures, inspections, notices, violations
from communitygate.oversight.api.common import router

__all__ = ["figures", "inspections", "notices", "router", "violations"]
