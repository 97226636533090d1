"""Certificates as issued (证明开具): issued from the list a community may issue, numbered per
community and year without gaps; turned away from the list it may not issue, with the reason and
the office that issues it instead; both counted, and the counts are the list's lengths."""

import datetime as dt
from typing import Any

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import CertificateRule
from communitygate.certificates.models import CertificateOutcomes, CertificateRequest
from communitygate.certificates.selectors import certificate_counts_of
from communitygate.certificates.services import (
    CertificateAsked,
    NothingToPrint,
    ResidentNotRegistered,
    certificate_print,
    certificate_request_record,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.registry.tests.grid_registry import id_number, person_in
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 12, 7)
RESIDENT_ID = id_number(4242)


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI))


@pytest.fixture
def lists(world: World) -> dict[str, Any]:
    person_in(world.user("community_secretary"), world.org("community"), "证明居民", RESIDENT_ID)
    return {
        "living": CertificateRule.objects.create(
            code="ZM-Y01", name="居民在社区居住证明", verdict="may_issue", note="核实后出具。"
        ),
        "kinship": CertificateRule.objects.create(
            code="ZM-N01",
            name="亲属关系证明",
            verdict="may_not_issue",
            note="由户籍、婚姻登记等部门依档案信息核实。",
            issued_by="公安机关户籍管理部门、婚姻登记机关",
        ),
    }


def ask(world: World, rule: CertificateRule, **changes: Any) -> CertificateRequest:
    values: dict[str, Any] = {"id_number": RESIDENT_ID, "purpose": "办理入学", **changes}
    return certificate_request_record(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        asked=CertificateAsked(rule_id=rule.pk, **values),
    )


def test_issuing_from_the_allowed_list_numbers_per_community_and_year(world, lists) -> None:
    first = ask(world, lists["living"])
    second = ask(world, lists["living"], purpose="办理居住证")
    next_year = ask(world, lists["living"], requested_on=dt.date(2027, 1, 4))
    code = world.org("community").code
    assert first.outcome == CertificateOutcomes.ISSUED
    assert [first.number, second.number] == [f"{code}-2026-证-0001", f"{code}-2026-证-0002"]
    assert next_year.number == f"{code}-2027-证-0001"
    assert first.resident is not None and first.resident.name == "证明居民"
    event = AuditEvent.objects.filter(action="certificate.issue").order_by("pk").first()
    assert event is not None
    assert RESIDENT_ID not in str(event.changes)  # the ID number only masked
    assert first.resident.id_number_masked in str(event.changes)


def test_turning_away_from_the_forbidden_list_keeps_the_request_without_a_number(
    world, lists
) -> None:
    made = ask(world, lists["kinship"], id_number="", purpose="")
    assert made.outcome == CertificateOutcomes.TURNED_AWAY
    assert made.number == "" and made.sequence is None
    assert AuditEvent.objects.filter(action="certificate.turn_away").count() == 1
    # turning away takes no number: the next issued certificate is still the first
    assert ask(world, lists["living"]).number.endswith("-证-0001")


def test_issuing_needs_a_registered_resident_and_a_purpose(world, lists) -> None:
    with pytest.raises(ResidentNotRegistered):
        ask(world, lists["living"], id_number=id_number(999))
    with pytest.raises(InvalidInput):
        ask(world, lists["living"], purpose=" ")
    with pytest.raises(InvalidInput):
        ask(world, lists["living"], id_number="")
    assert CertificateRequest.objects.count() == 0


def test_only_the_communitys_own_staff_issue(world, lists) -> None:
    for person in ("community_secretary_other", "subdistrict_officer", "office_officer"):
        with pytest.raises(PermissionDenied):
            certificate_request_record(
                actor=world.user(person),
                community=world.org("community"),
                asked=CertificateAsked(rule_id=lists["living"].pk, id_number=RESIDENT_ID),
            )


def test_counts_are_the_lists_lengths(world, lists) -> None:
    ask(world, lists["living"])
    ask(world, lists["living"])
    ask(world, lists["kinship"], id_number="")
    counts = certificate_counts_of(world.org("community").pk, 2026)
    assert (counts.issued, counts.turned_away) == (2, 1)
    client = signed_in(world.user("community_secretary"))
    for outcome, expected in (("issued", 2), ("turned_away", 1)):
        page = client.get(f"/residents/certificates/?outcome={outcome}&year=2026")
        assert page.context["count"] == expected
        assert page.content.decode().count(f'data-outcome="{outcome}"') == expected


def test_the_page_issues_turns_away_with_the_office_and_prints(world, lists) -> None:
    client = signed_in(world.user("community_worker"))
    form = client.get("/residents/certificates/new/")
    token = form.context["form"]["form_token"].value()
    answer = client.post(
        "/residents/certificates/new/",
        {
            "community": world.org("community").code,
            "rule": lists["kinship"].pk,
            "form_token": token,
        },
        follow=True,
    )
    text = answer.content.decode()
    assert 'data-testid="certificate-turned-away"' in text
    assert "公安机关户籍管理部门、婚姻登记机关" in text
    assert "由户籍、婚姻登记等部门依档案信息核实。" in text
    issued = ask(world, lists["living"])
    pdf = client.get(f"/residents/certificates/{issued.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="certificate.print").count() == 1
    page = client.get(f"/residents/certificates/{issued.pk}/").content.decode()
    assert issued.resident is not None
    assert RESIDENT_ID not in page and issued.resident.id_number_masked in page
    turned = CertificateRequest.objects.get(outcome="turned_away")
    with pytest.raises(NothingToPrint):
        certificate_print(actor=world.user("community_worker"), request=turned)


def test_the_list_page_keeps_its_query_count(world, lists, django_assert_num_queries: Any) -> None:
    for index in range(4):
        ask(world, lists["living"], purpose=f"用途{index}")
        ask(world, lists["kinship"], id_number="")
    client = signed_in(world.user("subdistrict_officer"))
    client.get("/residents/certificates/")
    with django_assert_num_queries(5):
        page = client.get("/residents/certificates/")
    assert page.content.decode().count('data-testid="certificate-') == 8 + 1  # + the count line


def test_the_burden_dashboard_counts_what_the_lists_hold(world, lists) -> None:
    """The office reads the district's counts, the subdistrict its communities'; the numbers are
    the lists' lengths; a department reads none."""
    ask(world, lists["living"])
    ask(world, lists["kinship"], id_number="")
    ask(world, lists["kinship"], id_number="")
    for person in ("office_officer", "subdistrict_officer"):
        page = signed_in(world.user(person)).get("/burden/")
        certificates = page.context["certificates"]
        assert (certificates["issued"], certificates["turned_away"]) == (1, 2), person
    other = signed_in(world.user("subdistrict_officer_other")).get("/burden/")
    assert (
        other.context["certificates"]["issued"],
        other.context["certificates"]["turned_away"],
    ) == (0, 0)
    assert signed_in(world.user("department_clerk")).get("/burden/").context["certificates"] is None


def test_a_number_taken_meanwhile_is_retried_with_the_next(world, lists, monkeypatch) -> None:
    """Two staff issuing at the same moment read the same highest number; the second insert hits
    the unique constraint and takes the next number (no duplicate, no gap)."""
    from communitygate.certificates import services

    ask(world, lists["living"])
    real = services._next_sequence
    stale = iter([1])  # the first read is stale: number 1 is already taken

    def next_sequence(community: Any, year: int) -> int:
        return next(stale, None) or real(community, year)

    monkeypatch.setattr(services, "_next_sequence", next_sequence)
    second = ask(world, lists["living"])
    assert second.sequence == 2
    assert list(
        CertificateRequest.objects.order_by("sequence").values_list("sequence", flat=True)
    ) == [1, 2]
