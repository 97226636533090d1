"""Plain Chinese (issue 13), the parts that need no pages: files say what the screen says (the
catalog's file labels, the printed forms' and the exports' states are the Chinese interface's
labels), the audit log names recorded fields and values, and a system text recorded in both
languages is shown in the reader's."""

import pytest
from django.db import models
from django.utils import translation

from communitygate.admissions.models import ApplicationStatuses, Votes
from communitygate.audit.labels import field_label, in_language, value_label
from communitygate.catalog.labels import CLASS_ZH, DOMAIN_ZH, FREQUENCY_ZH
from communitygate.catalog.models import (
    CatalogItem,
    Domains,
    Frequencies,
    ItemClasses,
    ItemStatuses,
)
from communitygate.catalog.workflow import CATALOG_ITEM
from communitygate.core.bilingual import chinese_label
from communitygate.disputes.models import DisputeKinds, PartyRoles
from communitygate.funding.models import PaymentStates


@pytest.mark.parametrize(
    ("file_labels", "choices"),
    [(CLASS_ZH, ItemClasses), (DOMAIN_ZH, Domains), (FREQUENCY_ZH, Frequencies)],
)
def test_the_catalog_files_labels_are_the_screens(
    file_labels: dict[str, str], choices: type[models.TextChoices]
) -> None:
    with translation.override("zh-hans"):
        screen = {value: str(label) for value, label in choices.choices}
    assert file_labels == screen


@pytest.mark.parametrize(
    "choices", [ApplicationStatuses, PaymentStates, DisputeKinds, PartyRoles, Votes]
)
def test_printed_and_exported_states_are_the_chinese_screens_whatever_the_language(
    choices: type[models.TextChoices],
) -> None:
    with translation.override("zh-hans"):
        screen = {value: str(label) for value, label in choices.choices}
    with translation.override("en"):
        printed = {value: chinese_label(choices, value) for value in choices.values}
    assert printed == screen
    assert chinese_label(choices, "no-such-value") == "no-such-value"


def test_votes_are_agree_disagree_abstain() -> None:
    with translation.override("zh-hans"):
        assert [str(label) for label in Votes.labels] == ["同意", "不同意", "弃权"]
    with translation.override("en"):
        assert [str(label) for label in Votes.labels] == ["Approve", "Reject", "Abstain"]


def test_the_audit_log_names_recorded_fields_and_values() -> None:
    with translation.override("zh-hans"):
        assert field_label("catalog.catalogitem", "status") == "状态"
        assert value_label("catalog.catalogitem", "status", "retired") == "已退出"
        assert value_label("matters.matter", "answer_by_estimated", False) == "否"
        assert field_label("matters.matter", "photos") == "照片"
        # Unknown objects and fields are shown as recorded, never hidden.
        assert field_label("no.such", "status") == "status"
        assert value_label("no.such", "status", "retired") == "retired"
    with translation.override("en"):
        assert value_label("catalog.catalogitem", "status", "retired") == "Retired"


def test_a_text_recorded_in_both_languages_is_shown_in_the_readers() -> None:
    recorded = "居民不满意 / The resident is not satisfied"
    with translation.override("zh-hans"):
        assert in_language(recorded) == "居民不满意"
        assert in_language("按期发布") == "按期发布"
        assert in_language("a / b") == "a / b"
    with translation.override("en"):
        assert in_language(recorded) == "The resident is not satisfied"


def test_a_refused_step_names_the_state_by_its_label() -> None:
    item = CatalogItem(code="T-001", status=ItemStatuses.RETIRED)
    refused = CATALOG_ITEM.refusal(item, ItemStatuses.RETIRED, "suspend")
    assert refused.message_zh == "事项 T-001 当前状态为“已退出”，不能执行这一步。"
    assert refused.message_en == "Item T-001 is 'Retired'; 'suspend' is not possible from there."
    assert (refused.current, refused.action) == ("retired", "suspend")
