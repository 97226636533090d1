"""Forms of the supervision pages: they parse input into the services' requests; the rules (what
a violation needs to be confirmed, what a notice must name) live in the services, whose problems
the views put beside these fields (`http.pages.rule_broken_to_form`)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core.uploads import FileUpload
from communitygate.dispatch.forms import MultipleFileField
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput
from communitygate.oversight.models import (
    FindingKinds,
    OrderStates,
    RuleSources,
    Severities,
    ViolationSources,
    ViolationStates,
    WallKinds,
)
from communitygate.oversight.selectors import ViolationFilters
from communitygate.oversight.services.inspections import FindingRequest, InspectionRequest
from communitygate.oversight.services.notices import NoticeRequest
from communitygate.oversight.services.violations import Confirmation

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 3})
LONG_TEXT = forms.Textarea(attrs={"rows": 6})

Choices = list[tuple[str, Any]]


def _with_blank(choices: Choices, blank: Any = "—") -> Choices:
    return [("", blank), *choices]


# Filters of the lists ----------------------------------------------------------------------------


class ViolationFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=_with_blank(ViolationStates.choices, _("Any"))
    )
    source = forms.ChoiceField(
        label=pgettext_lazy("violation", "Source"),
        required=False,
        choices=_with_blank(ViolationSources.choices, _("Any")),
    )

    def __init__(self, *args: Any, departments: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _with_blank(departments, _("Any"))  # type: ignore[attr-defined]

    def filters(self) -> ViolationFilters:
        data = self.cleaned_data
        return ViolationFilters(
            department=data.get("department") or "",
            status=data.get("status") or "",
            source=data.get("source") or "",
        )


class OrderFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False, choices=())
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_with_blank(OrderStates.choices, _("Any"))
    )

    def __init__(self, *args: Any, departments: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _with_blank(departments, _("Any"))  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("scorecard", "Period"),
        required=False,
        max_length=40,
        help_text=_("2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30"),
    )


# Violations --------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """An inspector confirms a violation: its severity and the rule broken; the department
    when the violation does not name one yet."""

    severity = forms.ChoiceField(label=_("Severity"), choices=_with_blank(Severities.choices))
    rule_source = forms.ChoiceField(
        label=_("Where the rule is written"), choices=_with_blank(RuleSources.choices)
    )
    rule_cited = forms.CharField(
        label=_("Rule broken"),
        max_length=300,
        help_text=_("The article or entry, e.g. the catalog item or negative-list entry."),
    )
    note = forms.CharField(label=_("Note (optional)"), widget=TEXT, required=False, max_length=4000)
    department = forms.ChoiceField(label=_("Department responsible"), choices=())

    def __init__(self, *args: Any, departments: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].choices = _with_blank(departments)  # type: ignore[attr-defined]

    def confirmation(self) -> Confirmation:
        data = self.cleaned_data
        return Confirmation(
            severity=data["severity"],
            rule_source=data["rule_source"],
            rule_cited=data["rule_cited"],
            note=data["note"] or "",
            department_code=data.get("department") or "",
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


# Inspections and the wall ------------------------------------------------------------------------


class InspectionForm(OneTimeFormMixin, forms.Form):
    """A supervision office plans an inspection; the checklist comes from the published catalog."""

    office = forms.ChoiceField(label=_("Supervision office"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    departments = forms.MultipleChoiceField(
        label=_("Departments inspected"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    communities = forms.MultipleChoiceField(
        label=_("Communities inspected"),
        required=False,
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(
        self,
        *args: Any,
        offices: Choices,
        departments: Choices,
        communities: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = offices  # type: ignore[attr-defined]
        if len(offices) < 2:
            self.fields["office"].required = False
            self.fields["office"].widget = forms.HiddenInput()
        self.fields["departments"].choices = departments  # type: ignore[attr-defined]
        self.fields["communities"].choices = communities  # type: ignore[attr-defined]

    def inspection_request(self) -> InspectionRequest:
        data = self.cleaned_data
        return InspectionRequest(
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            department_codes=tuple(data["departments"]),
            community_codes=tuple(data["communities"]),
            office_code=data.get("office") or "",
        )


class FindingForm(OneTimeFormMixin, forms.Form):
    """What an inspection found, with photos and files; a plaque or ledger named here is entered
    on the community's wall."""

    kind = forms.ChoiceField(label=_("Kind of finding"), choices=_with_blank(FindingKinds.choices))
    description = forms.CharField(label=_("What was found"), widget=TEXT, max_length=4000)
    community = forms.ChoiceField(label=_("Community"), required=False, choices=())
    department = forms.ChoiceField(label=_("Department responsible"), required=False, choices=())
    wall_kind = forms.ChoiceField(
        label=_("Plaque or ledger on the wall"),
        required=False,
        choices=_with_blank(WallKinds.choices, _("Neither")),
    )
    wall_name = forms.CharField(
        label=_("Its name as it hangs or is kept"), required=False, max_length=200
    )
    # Named as core.uploads names its problems, so a refused file is shown beside this field.
    file = MultipleFileField(label=_("Photos and files"), required=False)

    def __init__(
        self, *args: Any, communities: Choices, departments: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _with_blank(communities)  # type: ignore[attr-defined]
        self.fields["department"].choices = _with_blank(  # type: ignore[attr-defined]
            departments, _("Not known yet")
        )

    def finding_request(self) -> FindingRequest:
        data = self.cleaned_data
        return FindingRequest(
            kind=data["kind"],
            description=data["description"],
            community_code=data["community"] or "",
            department_code=data["department"] or "",
            wall_kind=data["wall_kind"] or "",
            wall_name=(data["wall_name"] or "").strip(),
            files=tuple(
                FileUpload(filename=upload.name or "", content=upload.read())
                for upload in data["file"]
            ),
        )


class CompleteForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=TEXT, required=False, max_length=4000
    )


class WallRecordForm(OneTimeFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_with_blank(WallKinds.choices))
    name = forms.CharField(label=_("Name as it hangs or is kept"), max_length=200)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)


# Notices and correction orders -------------------------------------------------------------------


class NoticeForm(OneTimeFormMixin, forms.Form):
    """An inspector's draft of a district-wide notice, naming confirmed violations (and overdue
    orders to name again); the departments named follow from them."""

    office = forms.ChoiceField(label=_("Issuing office"), choices=())
    title = forms.CharField(label=pgettext_lazy("notice", "Title"), max_length=200)
    violations = forms.MultipleChoiceField(
        label=_("Confirmed violations named"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    overdue_orders = forms.MultipleChoiceField(
        label=_("Overdue correction orders named again"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    facts = forms.CharField(label=_("Facts"), widget=LONG_TEXT, max_length=20000)
    rule_broken = forms.CharField(label=_("Rule broken"), widget=TEXT, max_length=8000)
    correction_required = forms.CharField(
        label=_("Correction required"), widget=TEXT, max_length=8000
    )
    correction_workdays = forms.IntegerField(
        label=_("Working days to correct"), min_value=1, max_value=60
    )
    corrects = forms.ChoiceField(
        label=_("Corrects a published notice"),
        required=False,
        choices=(),
        help_text=_("A published notice is never changed: a correction is a new notice."),
    )

    def __init__(
        self,
        *args: Any,
        offices: Choices,
        violations: Choices,
        overdue_orders: Choices,
        published: Choices,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial", {"correction_workdays": settings.COMMUNITYGATE["CORRECTION_WORKDAYS"]}
        )
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = offices  # type: ignore[attr-defined]
        if len(offices) < 2:
            self.fields["office"].required = False
            self.fields["office"].widget = forms.HiddenInput()
        self.fields["violations"].choices = violations  # type: ignore[attr-defined]
        self.fields["overdue_orders"].choices = overdue_orders  # type: ignore[attr-defined]
        self.fields["corrects"].choices = _with_blank(published, _("None"))  # type: ignore[attr-defined]

    def notice_request(self) -> NoticeRequest:
        data = self.cleaned_data
        return NoticeRequest(
            title=data["title"],
            facts=data["facts"],
            rule_broken=data["rule_broken"],
            correction_required=data["correction_required"],
            violation_ids=tuple(int(pk) for pk in data["violations"]),
            overdue_order_ids=tuple(int(pk) for pk in data["overdue_orders"]),
            correction_workdays=data["correction_workdays"],
            corrects_id=int(data["corrects"]) if data["corrects"] else None,
            office_code=data.get("office") or "",
        )


class RespondForm(OneTimeFormMixin, forms.Form):
    """The department's correction report and its evidence."""

    response = forms.CharField(label=_("Correction report"), widget=LONG_TEXT, max_length=20000)
    file = MultipleFileField(label=_("Evidence (photos, documents)"), required=False)

    def evidence_files(self) -> list[FileUpload]:
        return [
            FileUpload(filename=upload.name or "", content=upload.read())
            for upload in self.cleaned_data["file"]
        ]
