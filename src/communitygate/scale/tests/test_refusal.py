"""What seed_scale refuses before writing anything: a database that holds an organisation, and
options no city can have."""

import pytest
from django.core.management import CommandError, call_command

from communitygate.core.errors import InvalidInput
from communitygate.dispatch.models import Task
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.scale.city import CityOptions, build_city
from communitygate.scale.progress import QUIET

pytestmark = pytest.mark.django_db


def test_one_organisation_is_enough_to_refuse() -> None:
    Organisation.objects.create(code="X1", name="某区", kind=OrganisationKinds.DISTRICT, path="X1")
    with pytest.raises(CommandError, match="organisations"):
        call_command("seed_scale", "--communities=3", "--subdistricts=1", "--no-progress")
    assert Organisation.objects.count() == 1
    assert not Task.objects.exists()


def test_impossible_options_are_refused_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as refused:
        build_city(CityOptions(communities=1, subdistricts=2, months=40), QUIET)
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {"communities", "months"}
    with pytest.raises(CommandError, match="--months: 月数须在 1 到 36 之间。 / months must be"):
        call_command("seed_scale", "--months=0", "--no-progress")
    assert not Organisation.objects.exists()
