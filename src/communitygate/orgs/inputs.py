"""The code of an organisation as an API schema takes it: no longer than the code column, so a
longer one is a 422 naming its field (it could name no organisation anyway)."""

from typing import Annotated

from communitygate.core.inputs import capped
from communitygate.orgs.models import Organisation

OrgCode = Annotated[str, capped(Organisation, "code")]
