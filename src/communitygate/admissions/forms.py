"""Forms of the admission pages: they parse input; the rules live in services."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.admissions.models import Application, Votes
from communitygate.admissions.services import APPLICABLE_CLASSES, ApplicationFields
from communitygate.catalog.models import Domains, Frequencies, ItemClasses, Ledger, Plaque
from communitygate.catalog.transfer import split_list
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 3})


class ApplicableClassField(forms.ChoiceField):
    """Offers only the classes a department may apply for. A class it does not offer but that
    exists (statutory work posted by hand, or kept by a draft filed before the rule) is passed
    on, so the service refuses it with its rule's own message rather than "not a choice"."""

    def valid_value(self, value: object) -> bool:
        return value in ItemClasses.values


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def record_choices(records: Iterable[Ledger | Plaque]) -> list[tuple[str, Any]]:
    """Ledgers or plaques as a select's options, grouped by their department."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        department = record.department.name if record.department else str(_("No department"))
        groups.setdefault(department, []).append((record.code, f"{record.code} {record.name}"))
    return [(department, options) for department, options in sorted(groups.items())]


class ApplicationForm(OneTimeFormMixin, forms.Form):
    applicant = forms.ChoiceField(label=_("Applicant department"), choices=())
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    item_name = forms.CharField(label=_("Item name"), max_length=200)
    item_class = ApplicableClassField(
        label=_("Class"),
        choices=[(value, ItemClasses(value).label) for value in APPLICABLE_CLASSES],
        help_text=_(
            "Statutory daily work is entered by the committee office from the law; departments "
            "apply for delegated work, certificates and campaigns."
        ),
    )
    domain = forms.ChoiceField(label=_("Domain"), choices=Domains.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=TEXT)
    necessity = forms.CharField(label=_("Necessity"), widget=TEXT)
    community_duty = forms.CharField(label=_("What communities must do"), widget=TEXT)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequencies.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    targets_all = forms.BooleanField(label=_("All communities"), required=False, initial=True)
    target_communities = forms.CharField(
        label=_("Target communities or subdistricts (codes, if not all)"), required=False
    )
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours per community"),
        min_value=Decimal("0"),
        decimal_places=1,
        help_text=_(
            "Hours a year for one community: the hours each time × how many times a year its "
            "frequency means. The burden forecast and, if admitted, the catalog item count it."
        ),
    )
    ledgers = forms.MultipleChoiceField(
        label=_("Ledgers and forms communities must keep (from the ledger records)"),
        choices=(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    new_ledgers = forms.CharField(
        label=_("New ledgers not yet in the records (one name a line; created if admitted)"),
        widget=TEXT,
        required=False,
    )
    plaques = forms.MultipleChoiceField(
        label=_("Plaques communities must hang (from the plaque records)"),
        choices=(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    new_plaques = forms.CharField(
        label=_("New plaques not yet in the records (one name a line; created if admitted)"),
        widget=TEXT,
        required=False,
    )
    funding_per_community = forms.DecimalField(
        label=_("Funding per community per year (yuan)"),
        min_value=Decimal("0"),
        decimal_places=2,
        required=False,
    )
    funding_source = forms.CharField(label=_("Funding source"), max_length=200, required=False)
    support_offered = forms.CharField(
        label=_("Support and training offered"), widget=TEXT, required=False
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgent_reason = forms.CharField(label=_("Reason for urgency"), widget=TEXT, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        applicants: list[tuple[str, str]],
        ledgers: list[tuple[str, Any]],
        plaques: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = applicants  # type: ignore[attr-defined]
        self.fields["ledgers"].choices = ledgers  # type: ignore[attr-defined]
        self.fields["plaques"].choices = plaques  # type: ignore[attr-defined]

    def application_fields(self) -> ApplicationFields:
        data = dict(self.cleaned_data)
        for name in ("applicant", "revision"):
            data.pop(name)
        targets = tuple(split_list(data.pop("target_communities") or ""))
        ledger_codes, plaque_codes = tuple(data.pop("ledgers")), tuple(data.pop("plaques"))
        new_ledgers, new_plaques = _lines(data.pop("new_ledgers")), _lines(data.pop("new_plaques"))
        data["estimated_hours"] = data["estimated_hours"] or Decimal("0")
        return ApplicationFields(
            **data,
            target_community_codes=targets,
            ledger_codes=ledger_codes,
            plaque_codes=plaque_codes,
            new_ledger_names=new_ledgers,
            new_plaque_names=new_plaques,
        )


def application_form_initial(application: Application) -> dict[str, Any]:
    """The form filled with an application as it stands (to revise it)."""
    return {
        **{
            name: getattr(application, name)
            for name in ApplicationForm.base_fields
            if hasattr(Application, name)
            and name not in {"applicant", "ledgers", "plaques", "target_communities"}
        },
        "applicant": application.applicant.code,
        "revision": application.revision,
        "target_communities": ", ".join(c.code for c in application.target_communities.all()),
        "ledgers": [ledger.code for ledger in application.ledgers.all()],
        "plaques": [plaque.code for plaque in application.plaques.all()],
        "new_ledgers": "\n".join(application.new_ledger_names),
        "new_plaques": "\n".join(application.new_plaque_names),
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


class BallotForm(forms.Form):
    body = forms.ChoiceField(label=_("Voting for"), choices=())
    vote = forms.ChoiceField(label=_("Vote"), choices=Votes.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=TEXT, required=False, max_length=2000)

    def __init__(self, *args: Any, bodies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = bodies  # type: ignore[attr-defined]


REVIEW_CHOICES = [
    ("forward", _("Forward to the committee")),
    ("office_reject", _("Reject")),
    ("return", _("Return for revision")),
    ("redirect", _("Redirect to purchase of services")),
]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("Outcome"), choices=REVIEW_CHOICES)
    opinion = forms.CharField(label=_("Office opinion"), widget=TEXT, max_length=4000)
    social_org = forms.ChoiceField(
        label=_("Proposed social organisation"), choices=(), required=False
    )

    def __init__(self, *args: Any, social_orgs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["social_org"].choices = [("", "—"), *social_orgs]  # type: ignore[attr-defined]


ABSENT = ""
MEMBER_VOTE_CHOICES = [
    (ABSENT, _("Absent")),
    ("approve", pgettext_lazy("vote", "Approve")),
    ("reject", pgettext_lazy("vote", "Reject")),
    ("abstain", pgettext_lazy("vote", "Abstain")),
]


class DecisionForm(forms.Form):
    """The committee meeting that decides (recorded by a member or the office): its date, and
    for each committee member absent or the member's vote. The outcome is not chosen: the
    service computes it (a quorum, then a majority of those present)."""

    held_on = forms.DateField(label=_("Meeting date"), widget=IsoDateInput())
    reason = forms.CharField(label=_("Reasons"), widget=TEXT, max_length=4000)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for pk, name in members:
            self.fields[f"member_{pk}"] = forms.ChoiceField(
                label=name, choices=MEMBER_VOTE_CHOICES, required=False
            )

    def member_votes(self) -> tuple[tuple[int, str], ...]:
        """(member id, vote) for each member marked present, from the cleaned data."""
        return tuple(
            (pk, self.cleaned_data[f"member_{pk}"])
            for pk, _name in self.members
            if self.cleaned_data.get(f"member_{pk}")
        )


class CloseConsultationForm(forms.Form):
    """The reason for closing a consultation before its deadline (recorded with the close); the
    service says when it is missing (EarlyCloseNeedsReason), beside this field."""

    reason = forms.CharField(
        label=_("Reason for closing early"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )


class OpenConsultationForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Consultation deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
