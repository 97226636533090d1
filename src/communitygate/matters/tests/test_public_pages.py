"""The public pages: a resident files a matter without signing in (one matter per form token,
at most five photos), looks it up by tracking code and the phone's last four digits (nothing
personal shown; a wrong code and wrong digits answer alike) and rates the answer."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.matters.models import Matter, MatterChannels, MatterPhoto, MatterStatuses
from communitygate.matters.services.matters import MatterIntake, matter_answer, matter_submit_public
from communitygate.testing import World, image_bytes

pytestmark = pytest.mark.django_db

NEW = "/public/matters/new/"
FILED = "/public/matters/filed/"
TRACK = "/public/matters/track/"
RATE = "/public/matters/rate/"
PHONE = "13912345678"
LAST4 = "5678"
NAME = "张三丰"
DESCRIPTION = "三号楼二单元楼道灯一周不亮，老人夜里上下楼看不见"
ANSWER = "已联系物业，明天上午更换灯泡。"
FULL_PHONE = re.compile(r"1[3-9]\d{9}")
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


@pytest.fixture(autouse=True)
def fresh_throttle_and_media(settings: Any, tmp_path: Any) -> Iterator[None]:
    """Failed lookups count per address in the cache; each test starts with none. Photos go to
    a temporary directory."""
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    yield
    cache.clear()


def intake(**overrides: Any) -> MatterIntake:
    values: dict[str, Any] = {
        "community_code": "370203031001",
        "category_code": "repair",
        "summary": "楼道灯坏了",
        "description": DESCRIPTION,
        "location": "商邱路3号楼2单元",
        "contact_name": NAME,
        "phone": PHONE,
        "channel": MatterChannels.ONLINE,
    }
    values.update(overrides)
    return MatterIntake(**values)


def filed(**overrides: Any) -> Matter:
    return matter_submit_public(intake=intake(**overrides))


def answered(world: World, **overrides: Any) -> Matter:
    return matter_answer(
        actor=world.user("community_worker"), matter=filed(**overrides), answer=ANSWER
    )


def form_data(once: str = "form-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_token": once,
        "community": "370203031001",
        "contact_name": NAME,
        "phone": PHONE,
        "category": "repair",
        "summary": "楼道灯坏了",
        "description": DESCRIPTION,
        "location": "商邱路3号楼2单元",
    }
    data.update(overrides)
    return data


def assert_nothing_personal(text: str) -> None:
    assert not FULL_PHONE.search(text), "a full phone number is shown"
    assert NAME not in text, "the resident's name is shown"
    assert DESCRIPTION not in text, "the description is shown"


class TestFiling:
    def test_the_form_offers_active_communities_grouped_by_subdistrict(
        self, world: World, client: Client
    ) -> None:
        page = client.get(NEW)
        assert page.status_code == 200
        html = page.content.decode()
        assert '<optgroup label="洛阳路街道">' in html
        assert '<optgroup label="敦化路街道">' in html
        assert "商邱路社区" in html and "伊春路社区" in html
        assert 'name="form_token"' in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_a_community_code_in_the_link_is_preselected(
        self, world: World, client: Client
    ) -> None:
        html = client.get(NEW, {"community": "370203014001"}).content.decode()
        assert '<option value="370203014001" selected>' in html

    def test_each_visit_gets_a_new_form_token(self, world: World, client: Client) -> None:
        tokens = {client.get(NEW).context["form"].initial["form_token"] for _ in range(3)}
        assert len(tokens) == 3

    def test_filing_creates_the_matter_and_shows_its_tracking_code(
        self, world: World, client: Client
    ) -> None:
        answer = client.post(NEW, form_data())
        assert answer.status_code == 302 and answer["Location"] == FILED
        matter = Matter.objects.get()
        assert matter.channel == MatterChannels.ONLINE
        assert matter.community.code == "370203031001"
        assert matter.category.code == "repair"
        assert matter.status == MatterStatuses.RECEIVED
        assert matter.received_by is None
        assert matter.phone_masked == "139****5678"
        page = client.get(FILED)
        assert page.status_code == 200
        assert matter.tracking_code in page.content.decode()
        assert_nothing_personal(page.content.decode())

    def test_the_same_form_token_posted_twice_files_one_matter(
        self, world: World, client: Client
    ) -> None:
        first = client.post(NEW, form_data(once="double-click"))
        second = client.post(NEW, form_data(once="double-click"))
        assert first.status_code == second.status_code == 302
        assert Matter.objects.count() == 1
        assert AuditEvent.objects.filter(action="matter.receive").count() == 1
        assert Matter.objects.get().tracking_code in client.get(FILED).content.decode()

    def test_another_form_token_files_another_matter(self, world: World, client: Client) -> None:
        client.post(NEW, form_data(once="first"))
        client.post(NEW, form_data(once="second"))
        assert Matter.objects.count() == 2

    def test_a_form_sent_again_with_other_content_answers_as_the_first_did(
        self, world: World, client: Client
    ) -> None:
        # The form token guards the form (http.formtokens): the same rendering of the form
        # files once, whatever was edited before pressing again.
        first = client.post(NEW, form_data(once="reused"))
        answer = client.post(NEW, form_data(once="reused", summary="另一件事"))
        assert answer.status_code == 302 and answer["Location"] == first["Location"]
        assert Matter.objects.count() == 1
        assert Matter.objects.get().idempotency_key == ""

    def test_a_form_without_its_token_files_nothing(self, world: World, client: Client) -> None:
        data = form_data()
        del data["form_token"]
        assert client.post(NEW, data).status_code == 200
        assert not Matter.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("contact_name", ""),
            ("phone", ""),
            ("phone", "12345"),
            ("community", "999999999999"),
            ("category", "no-such-category"),
            ("summary", ""),
        ],
    )
    def test_a_missing_or_wrong_field_files_nothing_and_says_which(
        self, world: World, client: Client, field: str, value: str
    ) -> None:
        answer = client.post(NEW, form_data(**{field: value}))
        assert answer.status_code == 200
        assert answer.context["form"].errors.get(field), answer.context["form"].errors
        assert not Matter.objects.exists()

    def test_up_to_five_photos_are_kept(self, world: World, client: Client) -> None:
        photos = [SimpleUploadedFile(f"p{i}.png", PNG, "image/png") for i in range(4)]
        photos.append(SimpleUploadedFile("p4.jpg", JPEG, "image/jpeg"))
        answer = client.post(NEW, {**form_data(), "photos": photos})
        assert answer.status_code == 302
        assert MatterPhoto.objects.filter(matter=Matter.objects.get()).count() == 5

    def test_a_sixth_photo_is_refused(self, world: World, client: Client) -> None:
        photos = [SimpleUploadedFile(f"p{i}.png", PNG, "image/png") for i in range(6)]
        answer = client.post(NEW, {**form_data(), "photos": photos})
        assert answer.status_code == 200
        assert answer.context["form"].errors["photos"]
        assert not Matter.objects.exists() and not MatterPhoto.objects.exists()

    def test_a_photo_that_is_not_an_image_is_refused(self, world: World, client: Client) -> None:
        fake = SimpleUploadedFile("p.png", b"%PDF-1.4 not a photo", "image/png")
        answer = client.post(NEW, {**form_data(), "photos": [fake]})
        assert answer.status_code == 200
        assert answer.context["form"].errors
        assert not Matter.objects.exists()

    def test_a_pdf_is_not_a_photo(self, world: World, client: Client) -> None:
        pdf = SimpleUploadedFile("p.pdf", b"%PDF-1.4\n", "application/pdf")
        answer = client.post(NEW, {**form_data(), "photos": [pdf]})
        assert answer.context["form"].errors["photos"]
        assert not Matter.objects.exists()

    def test_the_form_is_csrf_protected(self, world: World) -> None:
        strict = Client(enforce_csrf_checks=True)
        assert strict.post(NEW, form_data()).status_code == 403
        assert not Matter.objects.exists()

    def test_the_filed_page_without_a_filing_sends_to_the_form(self, client: Client) -> None:
        answer = client.get(FILED)
        assert answer.status_code == 302 and answer["Location"] == NEW


class TestTracking:
    def test_the_right_code_and_digits_show_the_status_and_the_answer(
        self, world: World, client: Client
    ) -> None:
        matter = answered(world)
        page = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
        assert page.status_code == 200
        html = page.content.decode()
        assert matter.tracking_code in html
        assert ANSWER in html
        assert "报修" in html  # the category
        assert 'data-status="answered"' in html
        assert_nothing_personal(html)

    def test_an_estimated_answer_by_date_says_so(self, world: World, client: Client) -> None:
        clock.pin(dt.datetime(2026, 12, 30, 2, tzinfo=dt.UTC))  # 10:00 in Shanghai
        matter = filed()
        assert matter.answer_by_estimated
        page = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
        assert 'data-testid="answer-by-estimated"' in page.content.decode()
        assert "（预估）" in page.content.decode()

    def test_a_code_typed_in_lower_case_with_spaces_is_found(
        self, world: World, client: Client
    ) -> None:
        matter = filed()
        typed = matter.tracking_code[:4].lower() + " " + matter.tracking_code[4:].lower()
        page = client.post(TRACK, {"tracking_code": typed, "phone_last4": LAST4})
        assert 'data-status="received"' in page.content.decode()

    def test_a_wrong_code_and_wrong_digits_answer_alike(self, world: World, client: Client) -> None:
        matter = filed()
        wrong_digits = client.post(
            TRACK, {"tracking_code": matter.tracking_code, "phone_last4": "0000"}
        )
        wrong_code = client.post(TRACK, {"tracking_code": "MQ00000000", "phone_last4": LAST4})
        assert wrong_digits.status_code == wrong_code.status_code == 200
        assert wrong_digits.context["form"].non_field_errors()
        assert (
            wrong_digits.context["form"].non_field_errors()
            == wrong_code.context["form"].non_field_errors()
        )
        assert "matter" not in wrong_digits.context and "matter" not in wrong_code.context

    def test_the_digits_must_be_four(self, world: World, client: Client) -> None:
        matter = filed()
        page = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": "45678"})
        assert page.context["form"].errors["phone_last4"]

    def test_an_unanswered_matter_offers_no_rating(self, world: World, client: Client) -> None:
        matter = filed()
        page = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
        assert page.context["rate_form"] is None
        assert 'data-testid="rate-form"' not in page.content.decode()

    def test_an_answered_matter_offers_the_rating_form(self, world: World, client: Client) -> None:
        matter = answered(world)
        page = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
        assert 'data-testid="rate-form"' in page.content.decode()

    def test_a_link_with_the_code_only_asks_for_the_digits(
        self, world: World, client: Client
    ) -> None:
        matter = answered(world)
        page = client.get(TRACK, {"code": matter.tracking_code})
        assert page.status_code == 200
        assert ANSWER not in page.content.decode()
        assert page.context["form"].initial["tracking_code"] == matter.tracking_code


class TestRating:
    def rate(self, client: Client, matter: Matter, rating: str, digits: str = LAST4) -> Any:
        return client.post(
            RATE,
            {
                "tracking_code": matter.tracking_code,
                "phone_last4": digits,
                "rating": rating,
                "comment": "谢谢",
            },
        )

    def test_rating_records_it_and_returns_to_the_status_with_thanks(
        self, world: World, client: Client
    ) -> None:
        matter = answered(world)
        answer = self.rate(client, matter, "satisfied")
        assert answer.status_code == 302
        assert answer["Location"] == f"{TRACK}?code={matter.tracking_code}"
        matter.refresh_from_db()
        assert matter.rating == "satisfied" and matter.rating_comment == "谢谢"
        page = client.get(answer["Location"])
        html = page.content.decode()
        assert 'class="message success"' in html
        assert ANSWER in html
        assert 'data-testid="rating">—' not in html
        assert 'data-testid="rate-form"' not in html  # rated once per answer
        assert_nothing_personal(html)

    def test_unsatisfied_reopens_the_matter(self, world: World, client: Client) -> None:
        matter = answered(world)
        self.rate(client, matter, "unsatisfied")
        matter.refresh_from_db()
        assert matter.status == MatterStatuses.REOPENED
        assert matter.times_reopened == 1

    def test_wrong_digits_rate_nothing(self, world: World, client: Client) -> None:
        matter = answered(world)
        answer = self.rate(client, matter, "satisfied", digits="0000")
        assert answer.status_code == 200
        assert answer.context["form"].non_field_errors()
        matter.refresh_from_db()
        assert matter.rating == ""

    def test_an_unanswered_matter_cannot_be_rated(self, world: World, client: Client) -> None:
        matter = filed()
        answer = self.rate(client, matter, "satisfied")
        assert answer.status_code == 302
        page = client.get(answer["Location"])
        assert 'class="message error"' in page.content.decode()
        matter.refresh_from_db()
        assert matter.rating == ""

    def test_a_rating_must_be_chosen(self, world: World, client: Client) -> None:
        matter = answered(world)
        answer = self.rate(client, matter, "")
        assert answer.status_code == 200
        assert answer.context["rate_form"].errors["rating"]
        matter.refresh_from_db()
        assert matter.rating == ""
