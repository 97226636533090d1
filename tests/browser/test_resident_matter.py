"""In a real browser: a resident files a matter online without signing in and gets a tracking
code; the community's worker answers it on the staff pages; the resident looks it up with the
code and the phone's last four digits, reads the answer (and nothing personal) and rates it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from communitygate.core import clock
from communitygate.matters.models import Matter
from communitygate.testing import World, build_world, image_bytes

from .pages import new_page, signed_in_page

pytestmark = [pytest.mark.browser]

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
PHONE = "13912345678"
NAME = "张三丰"
ANSWER = "已联系物业，明天上午更换灯泡。"
PNG = image_bytes("PNG")


@pytest.fixture
def world_on_monday(transactional_db: None, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    clock.pin(MONDAY)  # the live server runs in this process: its "today" is Monday too
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return build_world()


def look_up(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/public/matters/track/")
    page.locator("#id_tracking_code").fill(code.lower())
    page.locator("#id_phone_last4").fill(PHONE[-4:])
    page.get_by_test_id("track").click()


def test_a_resident_files_follows_and_rates_a_matter(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_on_monday: World, tmp_path
) -> None:
    base = live_server.url
    photo = tmp_path / "楼道.png"
    photo.write_bytes(PNG)

    resident = new_page(browser, phone=True)
    resident.goto(f"{base}/public/matters/new/?community=370203031001")
    form = resident.get_by_test_id("matter-form")
    expect(form.locator("#id_community")).to_have_value("370203031001")
    form.locator("#id_contact_name").fill(NAME)
    form.locator("#id_phone").fill(PHONE)
    form.locator("#id_category").select_option("repair")
    form.locator("#id_summary").fill("楼道灯坏了")
    form.locator("#id_description").fill("三号楼二单元楼道灯一周不亮")
    form.locator("#id_location").fill("商邱路3号楼2单元")
    form.locator("#id_photos").set_input_files(str(photo))
    form.get_by_test_id("file-matter").click()

    code = resident.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"MQ[0-9A-Z]{8}", code), code
    matter = Matter.objects.get(tracking_code=code)
    assert matter.channel == "online" and matter.photos.count() == 1

    look_up(resident, base, code)
    expect(resident.get_by_test_id("status")).to_have_attribute("data-status", "received")
    expect(resident.get_by_test_id("rate-form")).to_have_count(0)

    worker = signed_in_page(browser, base, "community_worker", phone=True)
    worker.goto(f"{base}/residents/matters/{matter.pk}/")
    expect(worker.locator("main h1")).to_contain_text(code)
    worker.get_by_test_id("answer-form").locator("textarea").fill(ANSWER)
    worker.get_by_test_id("answer").click()
    expect(worker.get_by_test_id("answer")).to_contain_text(ANSWER)

    look_up(resident, base, code)
    expect(resident.get_by_test_id("status")).to_have_attribute("data-status", "answered")
    expect(resident.get_by_test_id("answer")).to_have_text(ANSWER)
    shown = resident.locator("main").inner_text()
    assert NAME not in shown and PHONE not in shown and "商邱路3号楼" not in shown
    rate = resident.get_by_test_id("rate-form")
    rate.locator("input[name=rating][value=satisfied]").check()
    rate.locator("textarea[name=comment]").fill("很及时，谢谢")
    rate.get_by_test_id("rate").click()

    expect(resident.locator(".message.success")).to_be_visible()
    expect(resident.get_by_test_id("rating")).not_to_have_text("—")
    expect(resident.get_by_test_id("rate-form")).to_have_count(0)
    matter.refresh_from_db()
    assert matter.rating == "satisfied" and matter.rating_comment == "很及时，谢谢"
