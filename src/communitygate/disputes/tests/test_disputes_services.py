"""Dispute mediation: recording, parties with sealed phones, sessions, the one conclusion and its
rules, the pages (scoped, masked, query-counted) and the printed agreement (font embedded, the
Chinese text extractable, no full phone in it, no character dropped)."""

import datetime as dt
import io
import re
from typing import Any, cast

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.crypto import unseal
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.pdf import MISSING_MARK
from communitygate.core.phones import PHONE_KIND
from communitygate.disputes.models import Dispute, DisputeParty
from communitygate.disputes.printing import NoAgreement, mediation_agreement_pdf
from communitygate.disputes.services.disputes import (
    AgreementNeedsMediation,
    AgreementNeedsTerms,
    DisputeAlreadyConcluded,
    PartyInput,
    ReferralNeedsDestination,
    dispute_add_party,
    dispute_conclude,
    dispute_open,
    mediation_session_add,
)
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 23)
APPLICANT_PHONE = "13912345678"
RESPONDENT_PHONE = "13687654321"
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(dt.datetime.combine(TODAY, dt.time(10), tzinfo=SHANGHAI))


def opened(world: World, **overrides: Any) -> Dispute:
    values: dict[str, Any] = {
        "actor": world.user("community_secretary"),
        "community": world.org("community"),
        "kind": "neighbour",
        "summary": "楼上漏水纠纷",
        "facts": "三楼住户卫生间漏水，浸湿二楼天花板。",
        "parties": [
            PartyInput("王建国", "applicant", None, APPLICANT_PHONE),
            PartyInput("李明", "respondent", None, RESPONDENT_PHONE),
        ],
    }
    values.update(overrides)
    return dispute_open(**values)


def mediated(world: World) -> Dispute:
    dispute = opened(world)
    mediation_session_add(
        actor=world.user("community_worker"),
        dispute=dispute,
        held_on=TODAY,
        mediators="张调解、刘调解",
        notes="双方到场。",
    )
    return dispute


def agreed(world: World) -> Dispute:
    return dispute_conclude(
        actor=world.user("community_secretary"),
        dispute=mediated(world),
        outcome="agreement",
        outcome_on=TODAY,
        terms="李明于十二月一日前修好防水层，并赔偿王建国粉刷费用八百元。",
    )


# Recording -----------------------------------------------------------------------------------------


def test_a_dispute_seals_its_parties_phones_and_audits_them_masked(world: World) -> None:
    dispute = opened(world)
    parties = list(dispute.parties.order_by("pk"))
    assert [p.name for p in parties] == ["王建国", "李明"]
    assert parties[0].phone_masked == "139****5678"
    assert unseal(PHONE_KIND, parties[0].phone_ciphertext) == APPLICANT_PHONE
    assert APPLICANT_PHONE not in parties[0].phone_ciphertext
    event = AuditEvent.objects.get(action="dispute.open")
    assert not FULL_PHONE.search(str(event.changes))
    assert "139****5678" in str(event.changes)


def test_a_party_without_phone_is_fine_and_a_bad_phone_is_refused(world: World) -> None:
    dispute = opened(world, parties=[PartyInput("王建国", "applicant")])
    assert dispute.parties.get().phone_masked == ""
    with pytest.raises(InvalidInput) as refused:
        opened(world, parties=[PartyInput("王建国", "applicant", None, "12345")])
    assert refused.value.problems[0].field == "parties[0].phone"


def test_only_the_communitys_staff_record_disputes(world: World) -> None:
    for person in ("subdistrict_officer", "community_secretary_other", "office_officer"):
        with pytest.raises(PermissionDenied):
            opened(world, actor=world.user(person))
    assert not Dispute.objects.exists()


def test_a_party_added_later_is_audited_masked(world: World) -> None:
    dispute = opened(world)
    dispute_add_party(
        actor=world.user("community_worker"),
        dispute=dispute,
        party=PartyInput("赵物业", "other", None, "0532-88881234"),
    )
    assert dispute.parties.count() == 3
    event = AuditEvent.objects.get(action="dispute.add_party")
    assert "0532****1234" in str(event.changes)
    assert "88881234" not in str(event.changes)


# Concluding ----------------------------------------------------------------------------------------


def test_an_agreement_needs_terms(world: World) -> None:
    with pytest.raises(AgreementNeedsTerms):
        dispute_conclude(
            actor=world.user("community_secretary"),
            dispute=mediated(world),
            outcome="agreement",
            outcome_on=TODAY,
            terms="  ",
        )


def test_a_referral_needs_where_it_goes(world: World) -> None:
    dispute = opened(world)
    with pytest.raises(ReferralNeedsDestination):
        dispute_conclude(
            actor=world.user("community_secretary"),
            dispute=dispute,
            outcome="referred",
            outcome_on=TODAY,
        )
    concluded = dispute_conclude(
        actor=world.user("community_secretary"),
        dispute=dispute,
        outcome="referred",
        outcome_on=TODAY,
        referred_to="市北区人民法院",
    )
    assert (concluded.outcome, concluded.referred_to) == ("referred", "市北区人民法院")


def test_an_agreement_needs_a_session_and_two_parties(world: World) -> None:
    secretary = world.user("community_secretary")
    no_session = opened(world)
    with pytest.raises(AgreementNeedsMediation):
        dispute_conclude(
            actor=secretary, dispute=no_session, outcome="agreement", outcome_on=TODAY, terms="x"
        )
    one_party = opened(world, parties=[PartyInput("王建国", "applicant")])
    mediation_session_add(actor=secretary, dispute=one_party, held_on=TODAY, mediators="张")
    with pytest.raises(AgreementNeedsMediation):
        dispute_conclude(
            actor=secretary, dispute=one_party, outcome="agreement", outcome_on=TODAY, terms="x"
        )


def test_a_concluded_dispute_cannot_be_concluded_or_changed_again(world: World) -> None:
    dispute = agreed(world)
    secretary = world.user("community_secretary")
    with pytest.raises(DisputeAlreadyConcluded):
        dispute_conclude(actor=secretary, dispute=dispute, outcome="failed", outcome_on=TODAY)
    with pytest.raises(DisputeAlreadyConcluded):
        mediation_session_add(actor=secretary, dispute=dispute, held_on=TODAY, mediators="张")
    with pytest.raises(DisputeAlreadyConcluded):
        dispute_add_party(actor=secretary, dispute=dispute, party=PartyInput("赵", "other"))
    assert Dispute.objects.get(pk=dispute.pk).outcome == "agreement"
    assert AuditEvent.objects.filter(action="dispute.conclude").count() == 1


def test_a_session_cannot_be_recorded_ahead(world: World) -> None:
    with pytest.raises(InvalidInput):
        mediation_session_add(
            actor=world.user("community_secretary"),
            dispute=opened(world),
            held_on=TODAY + dt.timedelta(days=1),
            mediators="张",
        )


# The agreement PDF ---------------------------------------------------------------------------------


def embeds_a_font(font: DictionaryObject) -> bool:
    fonts = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
    for candidate in fonts:
        descriptor = candidate.get("/FontDescriptor")
        if descriptor is not None and any(
            key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            return True
    return False


def pdf_text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    # pypdf reads fpdf2's two-byte codes one byte at a time (NULs between characters).
    text = "".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\x00]+", "", text), reader


def test_the_agreement_prints_in_chinese_with_the_font_embedded_and_phones_masked(
    world: World,
) -> None:
    dispute = agreed(world)
    response = signed_in(world.user("community_worker")).get(
        f"/residents/disputes/{dispute.pk}/agreement.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, reader = pdf_text(response.content)
    page = reader.pages[0]
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    assert any(embeds_a_font(font.get_object()) for font in fonts.values())
    for expected in (
        "人民调解协议书",
        "商邱路社区人民调解委员会",
        "申请人：王建国，联系电话：139****5678",
        "被申请人：李明，联系电话：136****4321",
        "三楼住户卫生间漏水",
        "李明于十二月一日前修好防水层",
        "2026年11月23日",
        "人民调解员（签名）",
    ):
        assert expected in text, expected
    assert not FULL_PHONE.search(text)
    assert APPLICANT_PHONE not in response.content.decode("latin-1")
    assert MISSING_MARK not in text


def test_a_character_the_font_lacks_is_marked_and_named_not_dropped(world: World) -> None:
    dispute = agreed(world)
    DisputeParty.objects.filter(dispute=dispute, name="王建国").update(name="王喆")
    text, _reader = pdf_text(mediation_agreement_pdf(dispute))
    assert f"申请人：王{MISSING_MARK}" in text
    assert "U+5586" in text


def test_there_is_no_agreement_to_print_before_one_is_reached(world: World) -> None:
    dispute = mediated(world)
    with pytest.raises(NoAgreement):
        mediation_agreement_pdf(dispute)
    client = signed_in(world.user("community_secretary"))
    assert client.get(f"/residents/disputes/{dispute.pk}/agreement.pdf").status_code == 409


# Pages ---------------------------------------------------------------------------------------------


def test_the_detail_page_shows_phones_masked_and_the_actions_to_staff_only(world: World) -> None:
    dispute = mediated(world)
    page = signed_in(world.user("community_worker")).get(f"/residents/disputes/{dispute.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "139****5678" in body and not FULL_PHONE.search(body)
    assert 'data-testid="conclude-form"' in body
    read_only = signed_in(world.user("subdistrict_officer")).get(
        f"/residents/disputes/{dispute.pk}/"
    )
    assert read_only.status_code == 200
    assert 'data-testid="conclude-form"' not in read_only.content.decode()
    other = signed_in(world.user("community_secretary_other")).get(
        f"/residents/disputes/{dispute.pk}/"
    )
    assert other.status_code == 404


def test_staff_record_and_conclude_through_the_pages(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    created = client.post(
        "/residents/disputes/new/",
        {
            "community": "370203031001",
            "kind": "family",
            "summary": "赡养纠纷",
            "facts": "子女分担赡养费用有分歧。",
            "applicant_name": "陈老人",
            "applicant_phone": APPLICANT_PHONE,
            "respondent_name": "陈大",
            "respondent_phone": "",
        },
    )
    assert created.status_code == 302, created.content.decode()
    dispute = Dispute.objects.get(summary="赡养纠纷")
    base = f"/residents/disputes/{dispute.pk}"
    client.post(f"{base}/sessions/", {"held_on": "2026-11-23", "mediators": "张调解"})
    client.post(f"{base}/parties/", {"name": "陈二", "role": "respondent", "phone": ""})
    concluded = client.post(
        f"{base}/conclude/",
        {"outcome": "agreement", "outcome_on": "2026-11-23", "terms": "三人每月各出五百元。"},
    )
    assert concluded.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.parties.count(), dispute.sessions.count()) == (
        "agreement",
        3,
        1,
    )


def test_the_subdistrict_reads_but_may_not_act(world: World) -> None:
    dispute = opened(world)
    answer = signed_in(world.user("subdistrict_officer")).post(
        f"/residents/disputes/{dispute.pk}/sessions/",
        {"held_on": "2026-11-23", "mediators": "张"},
    )
    assert answer.status_code == 403
    assert not dispute.sessions.exists()


def test_the_list_filters_and_keeps_its_query_count(
    world: World, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        opened(world)
    agreed(world)
    opened(
        world, community=world.org("community_other"), actor=world.user("community_secretary_other")
    )
    client = signed_in(world.user("community_worker"))
    client.get("/residents/disputes/")  # warm the session
    # session, user, grants, the disputes, unread notifications (whether the person may record
    # a dispute comes from the grants already read)
    with django_assert_num_queries(5):
        page = client.get("/residents/disputes/")
    body = page.content.decode()
    assert body.count('data-testid="dispute-') == 5 - 1 + 1  # 4 own, and the filter form
    assert "伊春路社区" not in body
    agreement_only = client.get("/residents/disputes/?outcome=agreement").content.decode()
    assert agreement_only.count('data-testid="dispute-') == 1 + 1
    open_only = client.get("/residents/disputes/?open=on&kind=neighbour").content.decode()
    assert open_only.count('data-testid="dispute-') == 3 + 1


# Personal information in forms and free text --------------------------------------------------------

ID_NUMBER = "37020319900101123X"
FULL_ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def test_a_form_shown_again_with_an_error_does_not_echo_the_phones(world: World) -> None:
    answer = signed_in(world.user("community_secretary")).post(
        "/residents/disputes/new/",
        {
            "community": "370203031001",
            "kind": "family",
            "summary": "",  # missing: the form comes back
            "applicant_name": "陈老人",
            "applicant_phone": APPLICANT_PHONE,
            "respondent_name": "陈大",
            "respondent_phone": "0532-88881234",
        },
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert 'name="applicant_phone"' in body
    assert APPLICANT_PHONE not in body and "88881234" not in body
    assert "陈老人" in body  # the other fields come back as typed


def test_the_party_form_never_writes_a_phone_back() -> None:
    from communitygate.disputes.forms.disputes import PartyForm

    form = PartyForm({"name": "", "role": "other", "phone": APPLICANT_PHONE})
    assert not form.is_valid()
    assert APPLICANT_PHONE not in str(form["phone"])


def test_numbers_typed_into_the_free_text_are_stored_masked(world: World) -> None:
    dispute = opened(
        world,
        summary=f"王建国（{APPLICANT_PHONE}）反映漏水",
        facts=f"身份证{ID_NUMBER}，座机0532-88881234，手机+86 {RESPONDENT_PHONE}，2026-11-01 起漏水。",
    )
    secretary = world.user("community_secretary")
    mediation_session_add(
        actor=secretary,
        dispute=dispute,
        held_on=TODAY,
        mediators="张调解",
        notes=f"李明留电话 {RESPONDENT_PHONE}。",
    )
    dispute_conclude(
        actor=secretary,
        dispute=dispute,
        outcome="agreement",
        outcome_on=TODAY,
        terms=f"李明赔偿八百元，打到 {APPLICANT_PHONE} 的微信。",
    )
    dispute.refresh_from_db()
    session = dispute.sessions.get()
    stored = " ".join([dispute.summary, dispute.facts, session.notes, dispute.agreement_terms])
    assert not FULL_PHONE.search(stored) and not FULL_ID_NUMBER.search(stored)
    assert "88881234" not in stored
    assert dispute.summary == "王建国（139****5678）反映漏水"
    assert "370203********123X" in dispute.facts and "0532-****1234" in dispute.facts
    assert "2026-11-01" in dispute.facts  # dates stay as typed
    assert "139****5678" in dispute.agreement_terms
    events = str(list(AuditEvent.objects.values_list("changes", "object_repr")))
    assert not FULL_PHONE.search(events) and not FULL_ID_NUMBER.search(events)
    text, _reader = pdf_text(mediation_agreement_pdf(dispute))
    assert not FULL_PHONE.search(text) and "88881234" not in text


# The agreement's printing is audited -----------------------------------------------------------------


def test_downloading_the_agreement_records_who_printed_it_and_when(world: World) -> None:
    dispute = agreed(world)
    answer = signed_in(world.user("subdistrict_officer")).get(
        f"/residents/disputes/{dispute.pk}/agreement.pdf"
    )
    assert answer.status_code == 200
    event = AuditEvent.objects.get(action="dispute.agreement_print")
    assert event.actor == world.user("subdistrict_officer")
    assert event.occurred_at == clock.now()
    assert event.object_id == str(dispute.pk)
    assert "调" in str(event.changes)  # the agreement's number
    assert not FULL_PHONE.search(str(event.changes)) and "****" not in str(event.changes)


def test_no_print_is_recorded_when_there_is_nothing_to_print_or_to_see(world: World) -> None:
    mediated_only = mediated(world)
    secretary = signed_in(world.user("community_secretary"))
    assert secretary.get(f"/residents/disputes/{mediated_only.pk}/agreement.pdf").status_code == 409
    concluded = agreed(world)
    other = signed_in(world.user("community_secretary_other"))
    assert other.get(f"/residents/disputes/{concluded.pk}/agreement.pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="dispute.agreement_print").exists()


# Double submits ---------------------------------------------------------------------------------------


def form_token(page: str, testid: str = "") -> str:
    """The one-time token of the form (the first, or the one with `data-testid`)."""
    if testid:
        page = page[page.index(f'data-testid="{testid}"') :]
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_a_double_submitted_dispute_is_recorded_once(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    data = {
        "community": "370203031001",
        "kind": "family",
        "summary": "赡养纠纷",
        "applicant_name": "陈老人",
        "form_token": form_token(client.get("/residents/disputes/new/").content.decode()),
    }
    first = client.post("/residents/disputes/new/", data)
    second = client.post("/residents/disputes/new/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Dispute.objects.filter(summary="赡养纠纷").count() == 1
    assert AuditEvent.objects.filter(action="dispute.open").count() == 1


def test_a_form_that_failed_keeps_its_token_for_the_corrected_submit(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    token = form_token(client.get("/residents/disputes/new/").content.decode())
    data = {"community": "370203031001", "kind": "family", "applicant_name": "陈老人"}
    failed = client.post("/residents/disputes/new/", {**data, "form_token": token})
    assert failed.status_code == 200
    assert form_token(failed.content.decode()) == token
    fixed = client.post("/residents/disputes/new/", {**data, "summary": "x", "form_token": token})
    assert fixed.status_code == 302
    assert Dispute.objects.count() == 1


def test_a_double_submitted_party_or_session_is_added_once(world: World) -> None:
    dispute = opened(world)
    client = signed_in(world.user("community_worker"))
    page = client.get(f"/residents/disputes/{dispute.pk}/").content.decode()
    party = {"name": "赵物业", "role": "other", "form_token": form_token(page, "party-form")}
    session = {
        "held_on": "2026-11-23",
        "mediators": "张调解",
        "form_token": form_token(page, "session-form"),
    }
    for _ in range(2):
        assert client.post(f"/residents/disputes/{dispute.pk}/parties/", party).status_code == 302
        answer = client.post(f"/residents/disputes/{dispute.pk}/sessions/", session)
        assert answer.status_code == 302
    assert dispute.parties.count() == 3
    assert dispute.sessions.count() == 1
