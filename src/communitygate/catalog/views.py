"""Catalog pages: the public catalog (no login) and the committee office's maintenance pages.

Views parse input, call one selector or service, and render. Rule errors come back as messages.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.catalog.forms import (
    ImportForm,
    ItemForm,
    PublishForm,
    ReasonForm,
    item_form_initial,
)
from communitygate.catalog.importing import (
    catalog_import_cancel,
    catalog_import_check,
    catalog_import_confirm,
)
from communitygate.catalog.models import (
    CertificateVerdicts,
    Domains,
    Frequencies,
    ItemClasses,
    ItemStatuses,
)
from communitygate.catalog.permissions import access_catalog_import, can_manage_catalog
from communitygate.catalog.selectors import (
    STATUS_ALL,
    ItemFilters,
    certificate_lists,
    edition_diff,
    edition_for_export,
    edition_get,
    edition_items,
    edition_latest,
    edition_list,
    edition_or_latest,
    item_page,
    negative_list,
    unpublished_changes,
    working_item_get,
    working_items,
)
from communitygate.catalog.services import (
    catalog_item_create,
    catalog_item_reinstate,
    catalog_item_retire,
    catalog_item_revise,
    catalog_item_suspend,
    catalog_publish,
    item_fields_of,
)
from communitygate.catalog.transfer import export_csv, export_xlsx
from communitygate.catalog.workflow import CATALOG_ITEM
from communitygate.core.errors import InvalidInput, RuleBroken
from communitygate.core.tabular import csv_response, xlsx_response
from communitygate.http.confirm import confirm_page, is_confirmed
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import rule_broken_to_form
from communitygate.http.steps import run_step
from communitygate.orgs.selectors import catalog_owners


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _text_param(request: HttpRequest, name: str) -> str | None:
    """A free-text parameter, or None when absent."""
    value = (request.GET.get(name) or "").strip()[:100]
    return value or None


def _filters_from(request: HttpRequest) -> ItemFilters:
    status = request.GET.get("status") or None
    allowed_status = set(ItemStatuses.values) | {STATUS_ALL}
    return ItemFilters(
        item_class=request.GET.get("class")
        if request.GET.get("class") in ItemClasses.values
        else None,
        domain=request.GET.get("domain") if request.GET.get("domain") in Domains.values else None,
        department_code=_text_param(request, "department"),
        status=status if status in allowed_status else None,
        q=_text_param(request, "q"),
    )


def _edition_from(request: HttpRequest) -> Any:
    return edition_or_latest(_int_or_none(request.GET.get("edition")))


def catalog_list(request: HttpRequest) -> HttpResponse:
    edition = _edition_from(request)
    filters = _filters_from(request)
    paginator = Paginator(
        edition_items(edition, filters), settings.COMMUNITYGATE["CATALOG_PAGE_SIZE"]
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/catalog_list.html",
        {
            "edition": edition,
            "latest": edition_latest(),
            "editions": edition_list(),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "classes": ItemClasses.choices,
            "domains": Domains.choices,
            "statuses": ItemStatuses.choices,
            "departments": catalog_owners(),
        },
    )


def catalog_item(request: HttpRequest, code: str) -> HttpResponse:
    page = item_page(code)
    return render(
        request,
        "catalog/item_detail.html",
        {
            "page": page,
            "item": page.snapshot,
            "item_class_choices": ItemClasses.choices,
            "domain_choices": Domains.choices,
            "status_choices": ItemStatuses.choices,
            "frequency_choices": Frequencies.choices,
        },
    )


def negative_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/negative_list.html", {"entries": negative_list()})


def certificates_page(request: HttpRequest) -> HttpResponse:
    lists = certificate_lists()
    return render(
        request,
        "catalog/certificates.html",
        {
            "may_issue": lists[CertificateVerdicts.MAY_ISSUE],
            "may_not_issue": lists[CertificateVerdicts.MAY_NOT_ISSUE],
        },
    )


def editions_page(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/editions.html", {"editions": edition_list()})


def edition_compare(request: HttpRequest) -> HttpResponse:
    editions = list(edition_list())
    newer_id = _int_or_none(request.GET.get("edition"))
    older_id = _int_or_none(request.GET.get("against"))
    if newer_id is None and editions:
        newer_id = editions[0].pk
    if older_id is None and len(editions) > 1:
        older_id = editions[1].pk
    diff = newer = older = None
    if newer_id is not None and older_id is not None:
        newer, older = edition_get(newer_id), edition_get(older_id)
        diff = edition_diff(newer, older)
    return render(
        request,
        "catalog/edition_compare.html",
        {"editions": editions, "diff": diff, "newer": newer, "older": older},
    )


# The URL names one of these (`urls.py`); any other format answers 404 as an unknown address.
EXPORT_FORMATS = ("xlsx", "csv")


def catalog_export(request: HttpRequest, file_format: str) -> HttpResponse:
    edition = edition_for_export(_int_or_none(request.GET.get("edition")))
    snapshots = [
        {**entry.fields, "code": entry.code}
        for entry in edition_items(edition, _filters_from(request))
    ]
    filename = f"catalog-edition-{edition.number}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(
            export_xlsx(snapshots, title=f"准入目录第{edition.number}版"), filename
        )
    return csv_response(export_csv(snapshots), filename)


# The committee office's pages ------------------------------------------------------------------


# Signed-in committee office staff only; anyone else gets 404, as for a missing page.
office_only = only_for(can_manage_catalog)


def _department_choices() -> list[tuple[str, str]]:
    return [(org.code, f"{org.name} ({org.code})") for org in catalog_owners()]


def _show_rule_error(request: HttpRequest, form: Any, broken: RuleBroken) -> None:
    """The input's problems beside the fields they name (above the form otherwise); any other
    broken rule as a message."""
    if isinstance(broken, InvalidInput):
        rule_broken_to_form(form, broken)
    else:
        messages.error(request, broken.page_message)


@office_only
def office_catalog(request: HttpRequest) -> HttpResponse:
    filters = _filters_from(request)
    paginator = Paginator(working_items(filters), settings.COMMUNITYGATE["CATALOG_PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/office_catalog.html",
        {
            "page": page,
            "changes": unpublished_changes(),
            "filters": filters,
            "classes": ItemClasses.choices,
            "statuses": ItemStatuses.choices,
        },
    )


@office_only
@replay_on_resubmit
def office_item_new(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None, departments=_department_choices())
    if request.method == "POST" and form.is_valid():
        try:
            item = catalog_item_create(actor=request.user, fields=form.item_fields())
        except RuleBroken as broken:
            _show_rule_error(request, form, broken)
        else:
            messages.success(
                request,
                _("Item %(code)s created. Publish to make it public.") % {"code": item.code},
            )
            return redirect("catalog:office_item_edit", code=item.code)
    return render(request, "catalog/office_item_form.html", {"form": form, "item": None})


@office_only
def office_item_edit(request: HttpRequest, code: str) -> HttpResponse:
    item = working_item_get(code)
    initial = item_form_initial(item_fields_of(item), item.revision)
    form = ItemForm(request.POST or None, initial=initial, departments=_department_choices())
    if request.method == "POST" and form.is_valid():
        try:
            item = catalog_item_revise(
                actor=request.user,
                item=item,
                fields=form.item_fields(),
                expected_revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
            )
        except RuleBroken as broken:
            _show_rule_error(request, form, broken)
        else:
            messages.success(
                request,
                _("Item %(code)s revised. Publish to make it public.") % {"code": item.code},
            )
            return redirect("catalog:office_item_edit", code=item.code)
    return render(
        request,
        "catalog/office_item_form.html",
        {
            "form": form,
            "item": item,
            "actions": CATALOG_ITEM.actions_for(request.user, item),
            "reason_form": ReasonForm(),
        },
    )


# The URL names one of these (`urls.py`); any other action answers 404 as an unknown address.
STATUS_SERVICES = {
    "suspend": catalog_item_suspend,
    "reinstate": catalog_item_reinstate,
    "retire": catalog_item_retire,
}


@office_only
@require_POST
def office_item_status(request: HttpRequest, code: str, action: str) -> HttpResponse:
    service = STATUS_SERVICES[action]
    item = working_item_get(code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason.") + " / Give a reason.")
        return redirect("catalog:office_item_edit", code=code)
    return run_step(
        request,
        lambda: service(actor=request.user, item=item, reason=form.cleaned_data["reason"]),
        back=reverse("catalog:office_item_edit", kwargs={"code": code}),
        done=_("Status changed. Publish to make it public."),
    )


@office_only
def office_publish(request: HttpRequest) -> HttpResponse:
    """Publish the working copy as the next edition: the form, then a confirmation page naming
    the title and what changes (http.confirm), then the edition and a sentence saying so."""
    form = PublishForm(request.POST or None)
    changes = unpublished_changes()
    if request.method == "POST" and form.is_valid():
        counts = {
            "added": len(changes.added),
            "retired": len(changes.retired),
            "changed": len(changes.changed),
        }
        if not is_confirmed(request):
            return confirm_page(
                request,
                title=_("Publish the edition “%(title)s”?") % {"title": form.cleaned_data["title"]},
                facts=[
                    _(
                        "%(added)s added, %(retired)s retired, %(changed)s changed since the latest "
                        "edition."
                    )
                    % counts,
                    _(
                        "Once published the edition is public and final; later changes need a "
                        "new edition."
                    ),
                ],
                action=reverse("catalog:office_publish"),
                back=reverse("catalog:office_publish"),
                button=_("Yes, publish the edition"),
                hidden={"title": form.cleaned_data["title"], "note": form.cleaned_data["note"]},
            )
        try:
            edition = catalog_publish(
                actor=request.user, title=form.cleaned_data["title"], note=form.cleaned_data["note"]
            )
        except RuleBroken as broken:
            _show_rule_error(request, form, broken)
        else:
            messages.success(
                request,
                _(
                    "Edition %(number)s of the catalog is published: %(added)s added, "
                    "%(retired)s retired, %(changed)s changed."
                )
                % {"number": edition.number, **counts},
            )
            return redirect("catalog:editions")
    return render(request, "catalog/office_publish.html", {"form": form, "changes": changes})


@office_only
@replay_on_resubmit
def office_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = catalog_import_check(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except RuleBroken as broken:
            _show_rule_error(request, form, broken)
        else:
            return redirect("catalog:office_import_preview", batch_id=batch.pk)
    return render(request, "catalog/office_import.html", {"form": form})


@office_only
def office_import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_catalog_import(request.user, batch_id)
    return render(request, "catalog/office_import_preview.html", {"batch": batch})


@office_only
@require_POST
def office_import_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_catalog_import(request.user, batch_id)
    try:
        if request.POST.get("decision") == "cancel":
            catalog_import_cancel(actor=request.user, batch=batch)
            messages.info(request, _("Import cancelled; nothing was changed."))
            return redirect("catalog:office_import")
        catalog_import_confirm(actor=request.user, batch=batch)
    except InvalidInput as invalid:
        for problem in invalid.problems:
            messages.error(request, f"{problem.row or ''} {problem.field} {problem.page_message}")
        return redirect("catalog:office_import_preview", batch_id=batch.pk)
    except RuleBroken as broken:
        messages.error(request, broken.page_message)
        return redirect("catalog:office_import_preview", batch_id=batch.pk)
    messages.success(request, _("Import applied. Review the changes and publish an edition."))
    return redirect("catalog:office_publish")
