"""The permission grid (SECURITY.md check 2): every person × every path the app answers.

`MATRIX` declares, for each (method, path), what each person gets: the page, a redirect, a
redirect to sign in, 401 from the API, 403 inside the admin, or 404 (the office's pages answer
"forbidden" exactly as "missing"; an application answers 404 to whoever may not see it, and 403
to whoever sees it but may not take the step asked for). The people are the World's (one per
role, plus the same role in a sibling organisation), someone signed out, someone signed in with
no role, and three edge cases: an office officer whose membership has ended, an office
administrator whose account is switched off, and a Django superuser who holds no membership.

A denied write must also leave no trace: every POST row names the state it would change and
the audit action it would record, and both are compared before and after each request. An
allowed write (a redirect from a page, 200 or 201 from the API) must change that state, so an
"allowed" cell cannot pass by doing nothing.

`test_every_path_in_the_urlconf_has_a_row` walks the URLconf: a new path fails the suite until
its row is added here.
"""

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from communitygate.accounts.models import Membership, Notification
from communitygate.accounts.permissions import can_use_admin_site
from communitygate.accounts.selectors import user_grants
from communitygate.accounts.services import (
    api_token_issue,
    api_token_revoke,
    membership_end,
    membership_grant,
    notifications_send,
)
from communitygate.admissions.attachments import attachment_add
from communitygate.admissions.models import Application, ApplicationAttachment, Ballot, ReviewRound
from communitygate.admissions.services import (
    ApplicationFields,
    application_create,
    application_review,
    application_submit,
    application_urgent_approve,
    ballot_cast,
    round_close_consultation,
    round_open_consultation,
)
from communitygate.audit.models import AuditEvent
from communitygate.auditing.tests import grid_auditing
from communitygate.catalog.forms import item_form_initial
from communitygate.catalog.importing import catalog_import_check
from communitygate.catalog.models import CatalogEdition, CatalogImport, CatalogItem
from communitygate.catalog.permissions import can_manage_catalog
from communitygate.catalog.services import (
    catalog_item_suspend,
    catalog_publish,
    item_fields_of,
)
from communitygate.catalog.transfer import export_csv
from communitygate.certificates.tests import grid_certificates
from communitygate.contracts.tests import grid_contracts
from communitygate.core import clock
from communitygate.core.crypto import sealed_columns, unseal
from communitygate.core.idnumbers import is_valid_id_number
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_accept,
    assignment_request_extension,
    assignment_submit,
    off_platform_report_create,
    task_send,
)
from communitygate.funding.tests import grid_funding, grid_funding_pages
from communitygate.insights.tests import grid_insights, grid_received
from communitygate.matters.tests import grid_glance, grid_matters, grid_public, grid_receptions
from communitygate.orgs.models import Organisation
from communitygate.oversight.tests import grid_oversight_api, grid_oversight_pages
from communitygate.programmes.tests import grid_programmes
from communitygate.registry.tests import grid_import, grid_registry
from communitygate.testing import (
    PASSWORD,
    PEOPLE,
    Shared,
    World,
    build_world,
    committee_members,
    make_item,
    shared_rows,
    signed_in,
    task_form_confirmed,
)
from communitygate.web.tests.grid import (
    ADMIN_AUDIT_APP,
    ADMIN_INDEX,
    ADMIN_LOGIN_PAGE,
    ADMIN_OFFICE_ADMIN_PAGE,
    ADMIN_OFFICE_ADMIN_WRITE,
    ADMIN_OFFICE_APP,
    ADMIN_OFFICE_VIEW,
    ADMIN_SIGN_IN,
    ANONYMOUS,
    API_SIGNED_IN,
    AUDIT_LOG,
    CREATED,
    DEACTIVATED_ADMIN,
    FORBIDDEN,
    FORMER_OFFICER,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    NOWHERE,
    OFFICE,
    OFFICE_PAGE,
    OFFICE_POST_ONLY,
    OFFICE_WRITE,
    PAGE,
    PUBLIC,
    REDIRECT,
    ROLES,
    SIGN_IN,
    SIGNED_OUT,
    SUPERUSER_WITHOUT_ROLE,
    UNAUTHENTICATED,
    UPLOADER_PAGE,
    UPLOADER_WRITE,
    WORLD_PEOPLE,
    GridPart,
    Outcome,
    row,
)
from communitygate.workcalendar.models import CalendarOverride

# Every test reads the grid's world, seeded once for the module (`grid_seed`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed")]


# Applications (admissions.permissions.applications_visible_to): the office, the committee,
# supervision and audit see every one; the applicant department (DEPT-MZ) its own; a
# subdistrict or community only those it is consulted on. Every seeded application is DEPT-MZ's.
SEES_EVERY_APPLICATION = (
    "office_admin",
    "office_officer",
    "committee_member",
    "inspector",
    "supervision_head",
    "auditor",
)
APPLICANT = ("department_clerk", "department_head")
DEPARTMENT_STAFF = (*APPLICANT, "department_clerk_other")
COMMUNITY_VOTERS = ("community_secretary", "community_worker")  # of 370203031001
# Who is consulted on each seeded application (its Ballot rows' bodies).
CONSULTED_ON_CONSULTING = ("subdistrict_officer", *COMMUNITY_VOTERS)  # 370203031, 370203031001
CONSULTED_ON_IN_REVIEW = ("subdistrict_officer_other", "community_secretary_other")  # 370203014…
CONSULTED_ON_ALL = (*CONSULTED_ON_CONSULTING, *CONSULTED_ON_IN_REVIEW)
COMMITTEE = ("committee_member",)
SIGNED_IN_PAGE = row(PAGE, (SIGNED_OUT, SIGN_IN))
API_OFFICE_WRITE = row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (OFFICE, PAGE))


def application_row(
    consulted: Iterable[str],
    seen: Outcome,
    *cells: tuple[Iterable[str], Outcome],
    api: bool = False,
) -> dict[str, Outcome]:
    """One application's path: signed-out people sign in (401 from the API), whoever cannot
    see the application gets 404, whoever can gets `seen`; then each cell overrides."""
    return row(
        NOT_FOUND,
        (SIGNED_OUT, UNAUTHENTICATED if api else SIGN_IN),
        ((*SEES_EVERY_APPLICATION, *APPLICANT, *consulted), seen),
        *cells,
    )


# Dispatch (dispatch.permissions): a community sees only its own assignments, a department only
# its tasks, a subdistrict its communities', the office, supervision and audit everything. The
# seeded tasks are DEPT-MZ's; the assignments in the rows are those of 370203031001.
SEES_EVERY_TASK = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
SENDER = APPLICANT  # DEPT-MZ's clerk and head
ASSIGNEE = COMMUNITY_VOTERS  # 370203031001's secretary and worker
COMMUNITY_STAFF = (*ASSIGNEE, "community_secretary_other")
SUBDISTRICT_OFFICERS = ("subdistrict_officer", "subdistrict_officer_other")
SEES_THE_ASSIGNMENT = (*SEES_EVERY_TASK, *SENDER, "subdistrict_officer", *ASSIGNEE)
# {task_admitted} went to 370203031001 and 370203014001; {task_unadmitted} to 370203031001 only.
SEES_TASK_TO_BOTH = (*SEES_THE_ASSIGNMENT, "subdistrict_officer_other", "community_secretary_other")
HAS_A_DISPATCH_PAGE = (
    *SEES_EVERY_TASK,
    *DEPARTMENT_STAFF,
    *SUBDISTRICT_OFFICERS,
    *COMMUNITY_STAFF,
)


def dispatch_row(
    sees: Iterable[str], seen: Outcome, *cells: tuple[Iterable[str], Outcome], api: bool = False
) -> dict[str, Outcome]:
    """A task, an assignment or a report: signed-out people sign in (401 from the API), whoever
    cannot see it gets 404, whoever can gets `seen`; then each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED if api else SIGN_IN), (sees, seen), *cells)


def assignment_row(
    seen: Outcome, *cells: tuple[Iterable[str], Outcome], api: bool = False
) -> dict[str, Outcome]:
    return dispatch_row(SEES_THE_ASSIGNMENT, seen, *cells, api=api)


# Placeholders in paths, filled from the seeded GridSeed: {item} is published and active,
# {suspended} is published and suspended, {unpublished} exists only in the office's working copy.
# Applications (seed_admissions): {draft}; {submitted} waits in the planned round {round_planned};
# {consulting} is in {round_consulting}'s open consultation; {in_review} and {at_committee} are
# in {round_reviewing}, closed; {urgent} is urgent and submitted; {decided} is the public number
# of an urgent application already approved, {undecided} the number of {consulting}.
MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # Public pages and files: the same for everyone; the working copy never leaks.
    ("GET", "/"): PUBLIC,
    ("GET", "/catalog/"): PUBLIC,
    ("GET", "/catalog/items/{item}/"): PUBLIC,
    ("GET", "/catalog/items/{unpublished}/"): NOWHERE,
    ("GET", "/catalog/negative-list/"): PUBLIC,
    ("GET", "/catalog/certificates/"): PUBLIC,
    ("GET", "/catalog/editions/"): PUBLIC,
    ("GET", "/catalog/editions/compare/"): PUBLIC,
    ("GET", "/catalog/export.xlsx"): PUBLIC,
    ("GET", "/catalog/export.csv"): PUBLIC,
    ("GET", "/accounts/login/"): PUBLIC,
    ("POST", "/accounts/logout/"): row(REDIRECT),
    # The committee office's catalog pages.
    ("GET", "/catalog/office/"): OFFICE_PAGE,
    ("GET", "/catalog/office/new/"): OFFICE_PAGE,
    ("POST", "/catalog/office/new/"): OFFICE_WRITE,
    ("GET", "/catalog/office/items/{item}/"): OFFICE_PAGE,
    ("POST", "/catalog/office/items/{item}/"): OFFICE_WRITE,
    ("GET", "/catalog/office/items/{item}/suspend/"): OFFICE_POST_ONLY,
    ("POST", "/catalog/office/items/{item}/suspend/"): OFFICE_WRITE,
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): OFFICE_WRITE,
    ("POST", "/catalog/office/items/{item}/retire/"): OFFICE_WRITE,
    ("GET", "/catalog/office/publish/"): OFFICE_PAGE,
    ("POST", "/catalog/office/publish/"): OFFICE_WRITE,
    ("GET", "/catalog/office/import/"): OFFICE_PAGE,
    ("POST", "/catalog/office/import/"): OFFICE_WRITE,
    # An import batch is its uploader's: another office member gets 404 too.
    ("GET", "/catalog/office/import/{batch}/"): UPLOADER_PAGE,
    ("POST", "/catalog/office/import/{batch}/confirm/"): UPLOADER_WRITE,
    # The committee office's holiday calendar.
    ("GET", "/calendar/"): OFFICE_PAGE,
    # The second sign-in factor: everyone signed in may enrol; without an authenticator the code
    # page sends to enrolment.
    ("GET", "/accounts/mfa/"): row(REDIRECT, (SIGNED_OUT, SIGN_IN)),
    ("POST", "/accounts/mfa/"): row(REDIRECT, (SIGNED_OUT, SIGN_IN)),
    ("GET", "/accounts/mfa/setup/"): SIGNED_IN_PAGE,
    ("POST", "/accounts/mfa/setup/"): row(REDIRECT, (SIGNED_OUT, SIGN_IN)),
    # Sign-in lockouts: the office lifts them.
    ("GET", "/accounts/lockouts/"): OFFICE_PAGE,
    ("POST", "/accounts/lockouts/release/"): OFFICE_WRITE,
    # The scheduled jobs and their latest runs: the office watches them.
    ("GET", "/scheduled-jobs/"): OFFICE_PAGE,
    ("GET", "/calendar/2027/"): OFFICE_PAGE,
    ("GET", "/calendar/2027/?day=2027-02-05"): OFFICE_PAGE,
    ("POST", "/calendar/2027/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (OFFICE, METHOD_NOT_ALLOWED)
    ),
    ("GET", "/calendar/2027/import/"): OFFICE_PAGE,
    ("POST", "/calendar/2027/import/"): OFFICE_WRITE,
    ("GET", "/calendar/2027/day/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (OFFICE, METHOD_NOT_ALLOWED)
    ),
    ("POST", "/calendar/2027/day/"): OFFICE_WRITE,
    # The admin: office staff view, the office administrator changes people and organisations,
    # the auditor reads the audit log and nothing else.
    ("GET", "/admin/"): ADMIN_INDEX,
    ("GET", "/admin/login/"): ADMIN_LOGIN_PAGE,
    ("GET", "/admin/orgs/"): ADMIN_OFFICE_APP,
    ("GET", "/admin/audit/"): ADMIN_AUDIT_APP,
    ("GET", "/admin/orgs/organisation/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/orgs/organisation/add/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/orgs/organisation/add/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/orgs/organisation/{org}/change/"): ADMIN_OFFICE_VIEW,
    ("POST", "/admin/orgs/organisation/{org}/change/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/accounts/membership/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/accounts/membership/add/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/accounts/membership/add/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/accounts/apitoken/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/audit/auditevent/"): AUDIT_LOG,
    ("GET", "/admin/audit/auditevent/{event}/change/"): AUDIT_LOG,
    # The audit log's own page, its chain verification and its API: the audit bureau alone
    # (separation of duties); the page answers 404 to everyone else, the API 403.
    ("GET", "/audit/"): row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (("auditor",), PAGE)),
    ("POST", "/audit/verify/"): row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (("auditor",), REDIRECT)),
    ("GET", "/api/v1/audit/events"): row(
        FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (("auditor",), PAGE)
    ),
    ("GET", "/admin/auth/user/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/auth/user/{person}/change/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/auth/user/{person}/password/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/auth/user/{person}/password/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/catalog/catalogitem/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/catalogedition/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/ledger/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/plaque/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/negativelistentry/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/certificaterule/"): ADMIN_OFFICE_VIEW,
    # The API: public reads of published data; /me needs a session or a token.
    ("GET", "/api/v1/"): NOWHERE,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,  # the load balancer's probe: no sign-in, no personal data
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/catalog/items"): PUBLIC,
    ("GET", "/api/v1/catalog/items/{item}"): PUBLIC,
    ("GET", "/api/v1/catalog/items/{unpublished}"): NOWHERE,
    ("GET", "/api/v1/catalog/editions"): PUBLIC,
    ("GET", "/api/v1/catalog/editions/{edition}/diff?against={first_edition}"): PUBLIC,
    ("GET", "/api/v1/catalog/negative-list"): PUBLIC,
    ("GET", "/api/v1/catalog/certificates"): PUBLIC,
    ("GET", "/api/v1/catalog/ledgers"): PUBLIC,
    ("GET", "/api/v1/catalog/plaques"): PUBLIC,
    ("GET", "/api/v1/organisations"): PUBLIC,
    ("GET", "/api/v1/me"): API_SIGNED_IN,
    ("GET", "/api/v1/calendar/earliest-urgent-start?filed=2026-11-23"): PUBLIC,
    # Attachments follow the application (the draft is seen by the applicant and those who see
    # every application); only the applicant adds or withdraws them.
    ("POST", "/admissions/{draft}/attachments/"): application_row(
        (), FORBIDDEN, (APPLICANT, REDIRECT)
    ),
    ("GET", "/admissions/{draft}/attachments/{attachment}/"): application_row((), PAGE),
    ("POST", "/admissions/{draft}/attachments/{attachment}/withdraw/"): application_row(
        (), FORBIDDEN, (APPLICANT, REDIRECT)
    ),
    # A person's own notifications; someone else's is not found.
    ("GET", "/notifications/"): SIGNED_IN_PAGE,
    # 工作台: everyone signed in (what each sees is workbench/tests/test_workbench.py's grid).
    ("GET", "/workbench/"): SIGNED_IN_PAGE,
    ("POST", "/notifications/{notification}/read/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (("department_clerk",), REDIRECT)
    ),
    # The background queue's results: office staff may look, nobody changes them here.
    ("GET", "/admin/django_tasks_database/dbtaskresult/"): ADMIN_OFFICE_VIEW,
    # Applications: pages. Only a department's clerk or head files, and only for its department
    # (department_clerk_other is offered DEPT-WJ alone: filing for DEPT-MZ is a form error).
    ("GET", "/admissions/"): SIGNED_IN_PAGE,
    ("GET", "/admissions/new/"): row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (DEPARTMENT_STAFF, PAGE)),
    ("POST", "/admissions/new/"): row(
        NOT_FOUND,
        (SIGNED_OUT, SIGN_IN),
        (("department_clerk_other",), PAGE),
        (APPLICANT, REDIRECT),
    ),
    ("GET", "/admissions/{draft}/"): application_row((), PAGE),
    ("GET", "/admissions/{consulting}/"): application_row(CONSULTED_ON_CONSULTING, PAGE),
    ("GET", "/admissions/{in_review}/"): application_row(CONSULTED_ON_IN_REVIEW, PAGE),
    ("GET", "/admissions/{at_committee}/"): application_row(CONSULTED_ON_ALL, PAGE),
    ("GET", "/admissions/{consulting}/form.pdf"): application_row(CONSULTED_ON_CONSULTING, PAGE),
    ("GET", "/admissions/{draft}/edit/"): row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (APPLICANT, PAGE)),
    ("POST", "/admissions/{draft}/edit/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (APPLICANT, REDIRECT)
    ),
    ("GET", "/admissions/{draft}/submit/"): row(METHOD_NOT_ALLOWED, (SIGNED_OUT, SIGN_IN)),
    ("POST", "/admissions/{draft}/submit/"): application_row((), FORBIDDEN, (APPLICANT, REDIRECT)),
    ("POST", "/admissions/{consulting}/withdraw/"): application_row(
        CONSULTED_ON_CONSULTING, FORBIDDEN, (APPLICANT, REDIRECT)
    ),
    # The ballot names the community 370203031001: its secretary and worker vote; the officer of
    # its subdistrict, consulted too, may vote only for the subdistrict.
    ("POST", "/admissions/{consulting}/vote/"): application_row(
        CONSULTED_ON_CONSULTING, FORBIDDEN, (COMMUNITY_VOTERS, REDIRECT)
    ),
    ("POST", "/admissions/{in_review}/review/"): application_row(
        CONSULTED_ON_IN_REVIEW, FORBIDDEN, (OFFICE, REDIRECT)
    ),
    # The committee decides at a meeting; a member or the office records it (issue 15).
    ("POST", "/admissions/{at_committee}/decide/"): application_row(
        CONSULTED_ON_ALL, FORBIDDEN, ((*COMMITTEE, *OFFICE), REDIRECT)
    ),
    ("POST", "/admissions/{urgent}/urgent-approve/"): application_row(
        (), FORBIDDEN, (OFFICE, REDIRECT)
    ),
    # Review rounds: everyone signed in reads them; only the office opens and closes them.
    ("GET", "/admissions/rounds/"): SIGNED_IN_PAGE,
    ("GET", "/admissions/rounds/{round_consulting}/"): SIGNED_IN_PAGE,
    ("POST", "/admissions/rounds/{round_planned}/open/"): OFFICE_WRITE,
    ("POST", "/admissions/rounds/{round_consulting}/close/"): OFFICE_WRITE,
    # Decisions are public; an application not yet decided is not.
    ("GET", "/decisions/"): PUBLIC,
    ("GET", "/decisions/{decided}/"): PUBLIC,
    ("GET", "/decisions/{undecided}/"): NOWHERE,
    # Applications: the API. Filing for DEPT-MZ is refused (403) to everyone outside it.
    ("POST", "/api/v1/applications"): row(
        FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (APPLICANT, CREATED)
    ),
    ("GET", "/api/v1/applications/{consulting}"): application_row(
        CONSULTED_ON_CONSULTING, PAGE, api=True
    ),
    ("GET", "/api/v1/applications/{in_review}"): application_row(
        CONSULTED_ON_IN_REVIEW, PAGE, api=True
    ),
    ("POST", "/api/v1/applications/{draft}/submit"): application_row(
        (), FORBIDDEN, (APPLICANT, PAGE), api=True
    ),
    ("POST", "/api/v1/applications/{consulting}/withdraw"): application_row(
        CONSULTED_ON_CONSULTING, FORBIDDEN, (APPLICANT, PAGE), api=True
    ),
    # This ballot names the subdistrict 370203031: only its officer votes for it.
    ("POST", "/api/v1/applications/{consulting}/ballots"): application_row(
        CONSULTED_ON_CONSULTING, FORBIDDEN, (("subdistrict_officer",), PAGE), api=True
    ),
    ("POST", "/api/v1/applications/{in_review}/review"): application_row(
        CONSULTED_ON_IN_REVIEW, FORBIDDEN, (OFFICE, PAGE), api=True
    ),
    ("POST", "/api/v1/applications/{at_committee}/decision"): application_row(
        CONSULTED_ON_ALL, FORBIDDEN, ((*COMMITTEE, *OFFICE), PAGE), api=True
    ),
    ("POST", "/api/v1/applications/{urgent}/urgent-approval"): application_row(
        (), FORBIDDEN, (OFFICE, PAGE), api=True
    ),
    ("GET", "/api/v1/review-rounds"): API_SIGNED_IN,
    ("GET", "/api/v1/review-rounds/{round_consulting}"): API_SIGNED_IN,
    ("POST", "/api/v1/review-rounds/{round_planned}/open-consultation"): API_OFFICE_WRITE,
    ("POST", "/api/v1/review-rounds/{round_consulting}/close-consultation"): API_OFFICE_WRITE,
    # Dispatch: pages. The one navigation link leads each person to their page (or explains).
    ("GET", "/dispatch/"): row(PAGE, (SIGNED_OUT, SIGN_IN), (HAS_A_DISPATCH_PAGE, REDIRECT)),
    # Sending: a department's clerk or head for their own department (and the committee office
    # for itself: filing for DEPT-MZ is a form error for it and for DEPT-WJ's clerk).
    ("GET", "/dispatch/send/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), ((*DEPARTMENT_STAFF, *OFFICE), PAGE)
    ),
    ("POST", "/dispatch/send/"): row(
        NOT_FOUND,
        (SIGNED_OUT, SIGN_IN),
        (("department_clerk_other", *OFFICE), PAGE),
        (SENDER, REDIRECT),
    ),
    ("GET", "/dispatch/tasks/"): SIGNED_IN_PAGE,  # each sees the tasks visible to them
    ("GET", "/dispatch/tasks/{task_admitted}/"): dispatch_row(SEES_TASK_TO_BOTH, PAGE),
    ("GET", "/dispatch/tasks/{task_unadmitted}/"): dispatch_row(SEES_THE_ASSIGNMENT, PAGE),
    ("GET", "/dispatch/inbox/"): row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (COMMUNITY_STAFF, PAGE)),
    ("GET", "/dispatch/assignments/{assignment_received}/"): assignment_row(PAGE),
    ("GET", "/dispatch/assignments/{assignment_received}/accept/"): row(
        METHOD_NOT_ALLOWED, (SIGNED_OUT, SIGN_IN)
    ),
    # The community's steps: whoever else sees the assignment is refused (403).
    ("POST", "/dispatch/assignments/{assignment_received}/accept/"): assignment_row(
        FORBIDDEN, (ASSIGNEE, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_unadmitted}/refuse/"): assignment_row(
        FORBIDDEN, (ASSIGNEE, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_accepted}/submit/"): assignment_row(
        FORBIDDEN, (ASSIGNEE, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_accepted}/extension/"): assignment_row(
        FORBIDDEN, (ASSIGNEE, REDIRECT)
    ),
    # The department's steps.
    ("POST", "/dispatch/assignments/{assignment_submitted}/confirm/"): assignment_row(
        FORBIDDEN, (SENDER, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_submitted}/return/"): assignment_row(
        FORBIDDEN, (SENDER, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_extension}/grant/"): assignment_row(
        FORBIDDEN, (SENDER, REDIRECT)
    ),
    ("POST", "/dispatch/assignments/{assignment_extension}/decline/"): assignment_row(
        FORBIDDEN, (SENDER, REDIRECT)
    ),
    ("GET", "/dispatch/assignments/{assignment_submitted}/deliverable/"): assignment_row(PAGE),
    # Off-platform reports: the community files; its report (naming DEPT-MZ) is seen like its
    # assignments. 370203014001's secretary may not file for 370203031001 (a form error).
    ("GET", "/dispatch/reports/new/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (COMMUNITY_STAFF, PAGE)
    ),
    ("POST", "/dispatch/reports/new/"): row(
        NOT_FOUND,
        (SIGNED_OUT, SIGN_IN),
        (("community_secretary_other",), PAGE),
        (ASSIGNEE, REDIRECT),
    ),
    ("GET", "/dispatch/reports/{report}/"): dispatch_row(SEES_THE_ASSIGNMENT, PAGE),
    ("GET", "/dispatch/reports/{report}/evidence/{evidence}/"): dispatch_row(
        SEES_THE_ASSIGNMENT, PAGE
    ),
    ("GET", "/dispatch/subdistrict/"): row(
        NOT_FOUND, (SIGNED_OUT, SIGN_IN), (SUBDISTRICT_OFFICERS, PAGE)
    ),
    # The supervision offices' page moved to /supervision/ (oversight's part of the grid).
    ("GET", "/dispatch/supervision/"): row(REDIRECT),
    # Dispatch: the API. Sending for DEPT-MZ is refused (403) to everyone outside it.
    ("POST", "/api/v1/tasks"): row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (SENDER, CREATED)),
    ("GET", "/api/v1/tasks/{task_admitted}"): dispatch_row(SEES_TASK_TO_BOTH, PAGE, api=True),
    ("GET", "/api/v1/tasks/{task_unadmitted}"): dispatch_row(SEES_THE_ASSIGNMENT, PAGE, api=True),
    ("GET", "/api/v1/inbox"): API_SIGNED_IN,  # the caller's own communities, maybe none
    ("POST", "/api/v1/assignments/{assignment_received}/accept"): assignment_row(
        FORBIDDEN, (ASSIGNEE, PAGE), api=True
    ),
    ("POST", "/api/v1/assignments/{assignment_unadmitted}/refuse"): assignment_row(
        FORBIDDEN, (ASSIGNEE, PAGE), api=True
    ),
    ("POST", "/api/v1/assignments/{assignment_accepted}/complete"): assignment_row(
        FORBIDDEN, (ASSIGNEE, PAGE), api=True
    ),
    ("POST", "/api/v1/assignments/{assignment_accepted}/extension"): assignment_row(
        FORBIDDEN, (ASSIGNEE, PAGE), api=True
    ),
    ("POST", "/api/v1/off-platform-reports"): row(
        FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (ASSIGNEE, CREATED)
    ),
    # Dispatch in the admin: read-only, for the office.
    ("GET", "/admin/dispatch/task/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/dispatch/assignment/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/dispatch/offplatformreport/"): ADMIN_OFFICE_VIEW,
}

# The seeded world ------------------------------------------------------------------------------


@dataclass
class GridSeed:
    people: dict[str, User]
    item: str
    suspended: str
    unpublished: str
    batch: int
    org: int
    department: int
    person: int
    event: int
    edition: int
    first_edition: int
    draft: int
    submitted: int
    consulting: int
    in_review: int
    at_committee: int
    urgent: int
    decided: str
    undecided: str
    round_planned: int
    round_consulting: int
    round_reviewing: int
    attachment: int
    notification: int
    task_admitted: int
    task_unadmitted: int
    assignment_received: int
    assignment_unadmitted: int
    assignment_accepted: int
    assignment_submitted: int
    assignment_extension: int
    report: int
    evidence: int
    extra: dict[str, Any] = field(default_factory=dict)  # the parts' placeholders
    secrets: frozenset[str] = frozenset()  # every sealed ID number, phone and address, in full

    def url(self, path: str) -> str:
        return path.format(**{**vars(self), **self.extra})


def import_file(code: str) -> bytes:
    return export_csv(
        [
            {
                "code": code,
                "name": "导入的网格事项",
                "item_class": "statutory",
                "domain": "civil_affairs",
                "legal_basis": "《城市居民委员会组织法》第三条",
                "department_name": "区民政局",
                "community_duty": "登记",
                "frequency": "yearly",
                "ledgers": [],
                "estimated_hours": "2",
                "funding_per_community": None,
            }
        ]
    )


def edge_people(world: World) -> dict[str, User]:
    office = world.org("office")
    former = User.objects.create_user(username=FORMER_OFFICER, password=PASSWORD)
    clock.pin(dt.datetime(2025, 1, 1, 4, tzinfo=dt.UTC))
    membership = membership_grant(
        actor=None,
        user=former,
        organisation=office,
        role="officer",
        active_from=dt.date(2020, 1, 1),
    )
    membership_end(actor=None, membership=membership, reason="moved to another post")
    clock.pin(None)
    assert not user_grants(former)  # the membership ended in 2025
    deactivated = User.objects.create_user(username=DEACTIVATED_ADMIN, password=PASSWORD)
    membership_grant(
        actor=None,
        user=deactivated,
        organisation=office,
        role="admin",
        active_from=dt.date(2020, 1, 1),
    )
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    superuser = User.objects.create_superuser(
        username=SUPERUSER_WITHOUT_ROLE, password=PASSWORD, email=""
    )
    return {
        FORMER_OFFICER: former,
        DEACTIVATED_ADMIN: deactivated,
        SUPERUSER_WITHOUT_ROLE: superuser,
    }


def shanghai(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """A moment given in the district's time (UTC+8), for pinning the clock."""
    return dt.datetime(year, month, day, hour - 8, tzinfo=dt.UTC)


# The requests of the grid run on Monday 23 November 2026, 10:00 in Shanghai: the January 2027
# round's consultation is open (opened on 4 January, until 15 January: a round opens only in its
# month, issue 15, so the seed reaches ahead), the July 2026 round's is closed.
GRID_NOW = shanghai(2026, 11, 23)
CONSULTATION_DEADLINE = shanghai(2027, 1, 15, 17)
# A round's steps are taken in its months (admissions.round_timing): these rows run then.
ROW_CLOCK: dict[tuple[str, str], dt.datetime] = {
    ("POST", "/admissions/{at_committee}/decide/"): shanghai(2026, 7, 21),
    ("POST", "/api/v1/applications/{at_committee}/decision"): shanghai(2026, 7, 21),
    ("POST", "/admissions/rounds/{round_consulting}/close/"): shanghai(2027, 1, 8),
    ("POST", "/api/v1/review-rounds/{round_consulting}/close-consultation"): shanghai(2027, 1, 8),
    ("POST", "/admissions/rounds/{round_planned}/open/"): shanghai(2027, 7, 5),
    ("POST", "/api/v1/review-rounds/{round_planned}/open-consultation"): shanghai(2027, 7, 5),
}
# The committee of three the grid's decisions are recorded for (committee_member and two more).
GRID_COMMITTEE = ("committee_member", "committee_member_2", "committee_member_3")


def grid_committee_ids() -> list[int]:
    return list(User.objects.filter(username__in=GRID_COMMITTEE).values_list("pk", flat=True))


def application_fields(**overrides: object) -> ApplicationFields:
    """A complete application of DEPT-MZ, for the one community 370203031001 (so its consulted
    bodies are 370203031 and 370203031001)."""
    values: dict[str, object] = {
        "contact_name": "网格经办人",
        "contact_phone": "0532-80000000",
        "item_name": "协助开展老年人能力评估摸底",
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《中华人民共和国老年人权益保障法》",
        "necessity": "掌握辖区老年人服务需求",
        "community_duty": "入户摸底、信息登记",
        "frequency": "yearly",
        "starts_on": dt.date(2027, 9, 1),
        "estimated_hours": Decimal("12"),
        "funding_per_community": Decimal("1000"),
        "funding_source": "区民政局部门预算",
        "targets_all": False,
        "target_community_codes": ("370203031001",),
    }
    values.update(overrides)
    return ApplicationFields(**values)  # type: ignore[arg-type]


def seed_admissions(world: World) -> dict[str, Any]:
    """Applications in every state the rows need, made through the services with the clock
    pinned, in the order they would happen; the clock is left at GRID_NOW for the requests."""
    clerk, officer = world.user("department_clerk"), world.user("office_officer")
    department = world.org("department")

    def filed(at: dt.datetime, name: str, **overrides: object) -> Application:
        clock.pin(at)
        return application_create(
            actor=clerk,
            applicant=department,
            fields=application_fields(item_name=name, **overrides),
        )

    def submitted(at: dt.datetime, name: str, **overrides: object) -> Application:
        return application_submit(actor=clerk, application=filed(at, name, **overrides))

    # The July 2026 round: filed in March, consulted in July, closed; one application forwarded
    # to the committee with 3 of its 5 bodies approving (60%), one left under the office's review.
    at_committee = submitted(shanghai(2026, 3, 2), "网格委员会审议事项", targets_all=True)
    in_review = submitted(
        shanghai(2026, 3, 2), "网格办公室审核事项", target_community_codes=("370203014001",)
    )
    july = at_committee.review_round
    assert july is not None and (july.year, july.month) == (2026, 7)
    clock.pin(shanghai(2026, 7, 1))
    round_open_consultation(actor=officer, review_round=july, deadline=shanghai(2026, 7, 15, 17))
    clock.pin(shanghai(2026, 7, 6))
    for person, org, vote in [
        ("subdistrict_officer", "subdistrict", "approve"),
        ("community_secretary", "community", "approve"),
        ("community_secretary_other", "community_other", "approve"),
        ("subdistrict_officer_other", "subdistrict_other", "reject"),
    ]:
        ballot_cast(
            actor=world.user(person), application=at_committee, body=world.org(org), vote=vote
        )
    ballot_cast(
        actor=world.user("community_secretary_other"),
        application=in_review,
        body=world.org("community_other"),
        vote="approve",
    )
    clock.pin(shanghai(2026, 7, 16))
    round_close_consultation(actor=officer, review_round=july)
    clock.pin(shanghai(2026, 7, 20))
    application_review(
        actor=officer, application=at_committee, action="forward", opinion="同意提交"
    )

    # The January 2027 round: filed in September, its consultation opened on 4 January 2027.
    consulting = submitted(shanghai(2026, 9, 1), "网格征询中事项")
    january = consulting.review_round
    assert january is not None and (january.year, january.month) == (2027, 1)
    clock.pin(shanghai(2027, 1, 4))
    round_open_consultation(actor=officer, review_round=january, deadline=CONSULTATION_DEADLINE)

    # Filed after January's consultation opened: it waits for the planned July 2027 round.
    waiting = submitted(shanghai(2027, 1, 4, 11), "网格待审批次事项")
    committee_members(world, len(GRID_COMMITTEE))
    planned = waiting.review_round
    assert planned is not None and (planned.year, planned.month) == (2027, 7)

    # Urgent: one approved at once last week (its decision is public), one waiting.
    decided = submitted(
        shanghai(2026, 11, 16, 12),
        "网格已批准紧急事项",
        urgent=True,
        urgent_reason="防汛",
        starts_on=dt.date(2026, 11, 20),
    )
    clock.pin(shanghai(2026, 11, 17))
    decided = application_urgent_approve(actor=officer, application=decided, reason="即时审批")
    urgent = submitted(
        GRID_NOW,
        "网格紧急事项",
        urgent=True,
        urgent_reason="疫情防控",
        starts_on=dt.date(2026, 12, 1),
    )
    draft = filed(GRID_NOW, "网格草稿事项")
    clock.pin(GRID_NOW)
    states = dict(Application.objects.values_list("item_name", "status"))
    assert states == {
        "网格委员会审议事项": "at_committee",
        "网格办公室审核事项": "in_review",
        "网格征询中事项": "consulting",
        "网格待审批次事项": "submitted",
        "网格已批准紧急事项": "approved",
        "网格紧急事项": "submitted",
        "网格草稿事项": "draft",
    }, states
    return {
        "draft": draft.pk,
        "submitted": waiting.pk,
        "consulting": consulting.pk,
        "in_review": in_review.pk,
        "at_committee": at_committee.pk,
        "urgent": urgent.pk,
        "decided": decided.number,
        "undecided": consulting.number,
        "round_planned": planned.pk,
        "round_consulting": january.pk,
        "round_reviewing": july.pk,
    }


@pytest.fixture(scope="module")
def grid_seed(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Shared[GridSeed]]:
    """The grid's world, seeded once for the module (every cell runs in a rolled-back
    transaction of its own); its uploaded files go to a temporary directory."""
    yield from seeded_grid(request, django_db_blocker, tmp_path_factory.mktemp("grid-files"))


def seeded_grid(
    request: pytest.FixtureRequest, django_db_blocker: Any, files: Path
) -> Iterator[Shared[GridSeed]]:
    """The grid's world seeded once for the calling fixture's scope (shared_rows), its uploaded
    files stored under `files`: the grid's and the workbench's tests read the same world."""
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(files)},
        },
    }
    with override_settings(STORAGES=storages):
        yield from shared_rows(request, django_db_blocker, lambda: seed_grid(build_world()))


def entered(seeded: Shared[GridSeed]) -> GridSeed:
    """The shared seed, its people read afresh (a test may have changed one in memory)."""
    shared = seeded.enter()
    people = User.objects.in_bulk([user.pk for user in shared.people.values()])
    return replace(shared, people={key: people[user.pk] for key, user in shared.people.items()})


@pytest.fixture
def seed(grid_seed: Shared[GridSeed]) -> GridSeed:
    """The module's seed, its people read afresh."""
    return entered(grid_seed)


GRID_LOCKED = "grid-locked-person"


def lock_a_sign_in(username: str) -> None:
    """A lock in force for the office to lift: axes's counter at the limit, dated a day ahead so
    that it stays in force however long the grid runs."""
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address="10.20.30.40",
        user_agent="grid",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=ahead)


def seed_grid(world: World) -> GridSeed:
    officer = world.user("office_officer")
    active = make_item(world, "G-1")
    suspended = make_item(world, "G-2")
    first = catalog_publish(actor=officer, title="第一版")
    catalog_item_suspend(actor=officer, item=suspended, reason="试点暂停")
    latest = catalog_publish(actor=officer, title="第二版")
    make_item(world, "G-3")  # an unpublished change, so that publishing has something to do
    lock_a_sign_in(GRID_LOCKED)
    batch = catalog_import_check(actor=officer, filename="grid.csv", content=import_file("IMP-1"))
    assert batch.status == "ready", batch.problems
    people = {
        **{key: cast(User, user) for key, user in world.users.items()},
        **edge_people(world),
    }
    return GridSeed(
        people=people,
        item=active.code,
        suspended=suspended.code,
        unpublished="G-3",
        batch=batch.pk,
        org=world.org("social_org").pk,
        department=world.org("department").pk,
        person=world.user("no_role").pk,
        event=AuditEvent.objects.order_by("pk").values_list("pk", flat=True)[0],
        edition=latest.pk,
        first_edition=first.pk,
        **(admissions := seed_admissions(world)),
        **seed_attachment_and_notification(world, admissions["draft"]),
        **seed_dispatch(world),
        extra={key: value for part in GRID_PARTS for key, value in part.seed(world).items()},
        secrets=sealed_secrets(),
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_attachment_and_notification(world: World, draft_id: int) -> dict[str, Any]:
    """An attachment on the draft (the applicant's) and a notification to the clerk."""
    draft = Application.objects.get(pk=draft_id)
    attachment = attachment_add(
        actor=world.user("department_clerk"),
        application=draft,
        filename="依据.pdf",
        content=PDF_BYTES,
    )
    notifications_send(
        recipients=[world.user("department_clerk")],
        key="grid",
        text_zh="网格通知",
        text_en="grid notice",
    )
    notification = Notification.objects.get(key="grid")
    return {"attachment": attachment.pk, "notification": notification.pk}


def seed_dispatch(world: World) -> dict[str, Any]:
    """DEPT-MZ's tasks, sent through the gate at GRID_NOW: one admitted (under the published item
    G-1) to 370203031001 and 370203014001, one unadmitted (no item) to 370203031001, and three
    more whose 370203031001 assignment is accepted, submitted (with a file) or waiting for more
    time; and 370203031001's report of DEPT-MZ pushing work by phone, with evidence."""
    clerk, secretary = world.user("department_clerk"), world.user("community_secretary")
    community = world.org("community")

    def sent(title: str, item: str | None, communities: tuple[str, ...]) -> Task:
        return task_send(
            actor=clerk,
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=item,
                title=title,
                task_type="work",
                starts_on=GRID_NOW.date(),
                due_on=dt.date(2026, 12, 18),
                targets=Targets("communities", communities),
            ),
        )

    def accepted(title: str) -> Assignment:
        task = sent(title, "G-1", ("370203031001",))
        return assignment_accept(
            actor=secretary, assignment=Assignment.objects.get(task=task, community=community)
        )

    admitted = sent("网格已准入任务", "G-1", ("370203031001", "370203014001"))
    unadmitted = sent("网格未准入任务", None, ("370203031001",))
    assert admitted.admitted and not unadmitted.admitted
    working = accepted("网格办理中任务")
    submitted = assignment_submit(
        actor=secretary,
        assignment=accepted("网格已提交任务"),
        filename="成果.pdf",
        content=PDF_BYTES,
    )
    waiting = assignment_request_extension(
        actor=secretary,
        assignment=accepted("网格申请延期任务"),
        until=dt.date(2026, 12, 31),
        reason="网格延期",
    )
    report = off_platform_report_create(
        actor=secretary,
        community=community,
        department=world.org("department"),
        pushed_by="网格科室",
        channel="phone",
        occurred_on=GRID_NOW.date(),
        what_was_asked="电话要求报送名单",
        evidence=[FileUpload("通知.pdf", PDF_BYTES)],
    )
    return {
        "task_admitted": admitted.pk,
        "task_unadmitted": unadmitted.pk,
        "assignment_received": Assignment.objects.get(task=admitted, community=community).pk,
        "assignment_unadmitted": Assignment.objects.get(task=unadmitted, community=community).pk,
        "assignment_accepted": working.pk,
        "assignment_submitted": submitted.pk,
        "assignment_extension": waiting.pk,
        "report": report.pk,
        "evidence": Evidence.objects.get(report=report).pk,
    }


# What each write sends, and the state it would change -------------------------------------------


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def form_data(values: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in values.items()}


def new_item_form(seed: GridSeed) -> dict[str, str]:
    return {
        "code": "GRID-NEW",
        "name": "网格新事项",
        "item_class": "statutory",
        "domain": "civil_affairs",
        "legal_basis": "《城市居民委员会组织法》第三条",
        "department_code": "DEPT-MZ",
        "frequency": "ongoing",
        "estimated_hours": "1",
    }


def revise_form(seed: GridSeed) -> dict[str, str]:
    item = CatalogItem.objects.get(code=seed.item)
    values = item_form_initial(item_fields_of(item), item.revision)
    return form_data({**values, "name": "网格改名", "reason": "网格测试"})


def reason_form(seed: GridSeed) -> dict[str, str]:
    return {"reason": "网格测试"}


NEW_APPLICATION = "网格新申请事项"


def application_form(**overrides: object) -> dict[str, str]:
    """The application page's form, filled for DEPT-MZ."""
    values: dict[str, object] = {
        "applicant": "DEPT-MZ",
        "contact_name": "网格经办人",
        "contact_phone": "0532-80000000",
        "item_name": NEW_APPLICATION,
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《城市居民委员会组织法》",
        "necessity": "网格测试",
        "community_duty": "登记",
        "frequency": "yearly",
        "starts_on": "2027-09-01",
        "ends_on": "",
        "targets_all": "",
        "target_communities": "370203031001",
        "estimated_hours": "4",
        "funding_per_community": "1000",
        "funding_source": "区民政局部门预算",
        "revision": "",
    }
    values.update(overrides)
    return form_data(values)


def revise_application_form(seed: GridSeed) -> dict[str, str]:
    revision = Application.objects.get(pk=seed.draft).revision
    return application_form(item_name="网格改名事项", revision=revision)


def application_json(seed: GridSeed) -> dict[str, Any]:
    return {
        "applicant": "DEPT-MZ",
        "contact_name": "网格经办人",
        "contact_phone": "0532-80000000",
        "item_name": NEW_APPLICATION,
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《城市居民委员会组织法》",
        "necessity": "网格测试",
        "community_duty": "登记",
        "frequency": "yearly",
        "starts_on": "2027-09-01",
        "targets_all": False,
        "target_communities": ["370203031001"],
        "estimated_hours": "4",
        "funding_per_community": "1000",
        "funding_source": "区民政局部门预算",
    }


def new_applications() -> tuple[int, int]:
    return (
        Application.objects.filter(item_name=NEW_APPLICATION).count(),
        audit_count("application.create"),
    )


def application_state(key: str, action: str) -> Callable[[GridSeed], object]:
    """The seeded application `key`, and how often `action` was recorded."""

    def state(seed: GridSeed) -> object:
        application = Application.objects.get(pk=getattr(seed, key))
        return (
            application.status,
            application.item_name,
            application.revision,
            application.catalog_item_id,
            audit_count(action),
        )

    return state


def consulting_ballots(seed: GridSeed) -> object:
    ballots = Ballot.objects.filter(application_id=seed.consulting).order_by("body__code")
    return list(ballots.values_list("body__code", "vote")), audit_count("ballot.cast")


def round_state(key: str, action: str) -> Callable[[GridSeed], object]:
    """The seeded round `key`, its applications' statuses and ballots, and `action`'s count."""

    def state(seed: GridSeed) -> object:
        review_round = ReviewRound.objects.get(pk=getattr(seed, key))
        applications = review_round.applications.order_by("pk")
        return (
            review_round.status,
            list(applications.values_list("status", flat=True)),
            Ballot.objects.filter(application__review_round=review_round).count(),
            audit_count(action),
        )

    return state


def item_state(code: str, action: str) -> Callable[[GridSeed], object]:
    def state(seed: GridSeed) -> object:
        item = CatalogItem.objects.get(code=code.format(**vars(seed)))
        return item.name, item.status, item.revision, audit_count(action)

    return state


NEW_TASK = "网格新任务"


def task_form(seed: GridSeed) -> dict[str, Any]:
    """The send page's form, filled for DEPT-MZ, one community, as its preview's confirm posts
    it."""
    return task_form_confirmed(
        {
            "department": "DEPT-MZ",
            "item": seed.item,
            "title": NEW_TASK,
            "instructions": "网格测试",
            "task_type": "work",
            "deliverable": "form",
            "starts_on": "2026-11-23",
            "due_on": "2026-12-18",
            "targets_community": "370203031001",
            "form_token": "",
        }
    )


def task_json(seed: GridSeed) -> dict[str, Any]:
    return {
        "department": "DEPT-MZ",
        "item": seed.item,
        "title": NEW_TASK,
        "task_type": "work",
        "starts_on": "2026-11-23",
        "due_on": "2026-12-18",
        "targets": {"communities": ["370203031001"]},
    }


def new_tasks(seed: GridSeed) -> object:
    return (
        Task.objects.filter(title=NEW_TASK).count(),
        Assignment.objects.count(),
        audit_count("task.send"),
    )


def assignment_state(key: str, action: str) -> Callable[[GridSeed], object]:
    """The seeded assignment `key`, and how often `action` was recorded."""

    def state(seed: GridSeed) -> object:
        assignment = Assignment.objects.get(pk=getattr(seed, key))
        return (
            assignment.state,
            assignment.extension_state,
            assignment.due_on,
            assignment.deliverable_text,
            assignment.refusal_comment,
            assignment.department_comment,
            audit_count(action),
        )

    return state


def report_form(seed: GridSeed) -> dict[str, Any]:
    return {
        "community": "370203031001",
        "department": "DEPT-MZ",
        "pushed_by": "网格科室",
        "channel": "chat_group",
        "occurred_on": "2026-11-20",
        "what_was_asked": "网格群里要求报送表格",
        "evidence": SimpleUploadedFile("截图.pdf", PDF_BYTES, content_type="application/pdf"),
    }


def report_json(seed: GridSeed) -> dict[str, Any]:
    values = report_form(seed)
    del values["evidence"]
    return values


def new_reports(seed: GridSeed) -> object:
    return (
        OffPlatformReport.objects.count(),
        Evidence.objects.count(),
        audit_count("off_platform_report.create"),
    )


EXTENSION = {"until": "2026-12-31", "reason": "网格延期"}

PAYLOADS: dict[tuple[str, str], Callable[[GridSeed], dict[str, Any]]] = {
    ("POST", "/admissions/{draft}/attachments/"): lambda seed: {
        "file": SimpleUploadedFile("网格.pdf", PDF_BYTES, content_type="application/pdf")
    },
    ("POST", "/admissions/{draft}/attachments/{attachment}/withdraw/"): lambda seed: {},
    ("POST", "/notifications/{notification}/read/"): lambda seed: {},
    ("POST", "/accounts/logout/"): lambda seed: {},
    ("POST", "/catalog/office/new/"): new_item_form,
    ("POST", "/catalog/office/items/{item}/"): revise_form,
    ("POST", "/catalog/office/items/{item}/suspend/"): reason_form,
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): reason_form,
    ("POST", "/catalog/office/items/{item}/retire/"): reason_form,
    ("POST", "/catalog/office/publish/"): lambda seed: {
        "title": "网格版",
        "note": "",
        "confirmed": "yes",
    },
    ("POST", "/catalog/office/import/"): lambda seed: {
        "file": SimpleUploadedFile("grid.csv", import_file("IMP-2"), content_type="text/csv")
    },
    ("POST", "/catalog/office/import/{batch}/confirm/"): lambda seed: {"decision": "confirm"},
    # The grid is read only: the old import address takes no entry any more.
    ("POST", "/calendar/2027/"): lambda seed: {
        "lines": "2027-01-01 休 元旦",
        "source": "国办发明电〔2026〕X号",
        "complete": "on",
    },
    ("POST", "/accounts/lockouts/release/"): lambda seed: {"by": "username", "value": GRID_LOCKED},
    ("POST", "/accounts/mfa/"): lambda seed: {"code": "000000"},
    ("POST", "/accounts/mfa/setup/"): lambda seed: {"code": "000000"},
    ("POST", "/calendar/2027/day/"): lambda seed: {
        "date": "2027-02-05",
        "kind": "休",
        "name": "春节",
        "source": "国办发明电〔2026〕X号",
    },
    ("POST", "/calendar/2027/import/"): lambda seed: {
        "lines": "2027-01-01 休 元旦",
        "source": "国办发明电〔2026〕X号",
        "complete": "on",
    },
    ("POST", "/admissions/new/"): lambda seed: application_form(),
    ("POST", "/admissions/{draft}/edit/"): revise_application_form,
    ("POST", "/admissions/{draft}/submit/"): lambda seed: {},
    ("POST", "/admissions/{consulting}/withdraw/"): reason_form,
    ("POST", "/admissions/{consulting}/vote/"): lambda seed: {
        "body": "370203031001",
        "vote": "approve",
        "comment": "网格测试",
    },
    ("POST", "/admissions/{in_review}/review/"): lambda seed: {
        "action": "return",
        "opinion": "请补充依据",
        "social_org": "",
    },
    ("POST", "/admissions/{at_committee}/decide/"): lambda seed: {
        "held_on": "2026-07-21",
        "reason": "经委员会审议同意",
        **{f"member_{pk}": "approve" for pk in grid_committee_ids()},
    },
    ("POST", "/admissions/{urgent}/urgent-approve/"): reason_form,
    ("POST", "/admissions/rounds/{round_planned}/open/"): lambda seed: {
        "deadline": "2027-07-16T17:00"
    },
    ("POST", "/admissions/rounds/{round_consulting}/close/"): lambda seed: {
        "confirmed": "yes",
        "reason": "网格：提前截止",
    },
    ("POST", "/api/v1/applications"): application_json,
    ("POST", "/api/v1/applications/{draft}/submit"): lambda seed: {},
    ("POST", "/api/v1/applications/{consulting}/withdraw"): reason_form,
    ("POST", "/api/v1/applications/{consulting}/ballots"): lambda seed: {
        "vote": "approve",
        "body": "370203031",
    },
    ("POST", "/api/v1/applications/{in_review}/review"): lambda seed: {
        "action": "return",
        "opinion": "请补充依据",
    },
    ("POST", "/api/v1/applications/{at_committee}/decision"): lambda seed: {
        "held_on": "2026-07-21",
        "votes": [{"member": name, "vote": "approve"} for name in GRID_COMMITTEE],
        "reason": "经委员会审议同意",
    },
    ("POST", "/api/v1/applications/{urgent}/urgent-approval"): reason_form,
    ("POST", "/api/v1/review-rounds/{round_planned}/open-consultation"): lambda seed: {
        "deadline": "2027-07-16T17:00:00+08:00"
    },
    ("POST", "/api/v1/review-rounds/{round_consulting}/close-consultation"): lambda seed: {
        "reason": "网格：提前截止"
    },
    ("POST", "/dispatch/send/"): task_form,
    ("POST", "/dispatch/assignments/{assignment_received}/accept/"): lambda seed: {},
    ("POST", "/dispatch/assignments/{assignment_unadmitted}/refuse/"): lambda seed: {
        "comment": "网格拒绝"
    },
    ("POST", "/dispatch/assignments/{assignment_accepted}/submit/"): lambda seed: {
        "text": "网格成果"
    },
    ("POST", "/dispatch/assignments/{assignment_accepted}/extension/"): lambda seed: EXTENSION,
    ("POST", "/dispatch/assignments/{assignment_submitted}/confirm/"): lambda seed: {},
    ("POST", "/dispatch/assignments/{assignment_submitted}/return/"): lambda seed: {
        "reason": "网格退回"
    },
    ("POST", "/dispatch/assignments/{assignment_extension}/grant/"): lambda seed: {},
    ("POST", "/dispatch/assignments/{assignment_extension}/decline/"): lambda seed: {},
    ("POST", "/dispatch/reports/new/"): report_form,
    ("POST", "/api/v1/tasks"): task_json,
    ("POST", "/api/v1/assignments/{assignment_received}/accept"): lambda seed: {},
    ("POST", "/api/v1/assignments/{assignment_unadmitted}/refuse"): lambda seed: {
        "comment": "网格拒绝"
    },
    ("POST", "/api/v1/assignments/{assignment_accepted}/complete"): lambda seed: {
        "text": "网格成果"
    },
    ("POST", "/api/v1/assignments/{assignment_accepted}/extension"): lambda seed: EXTENSION,
    ("POST", "/api/v1/off-platform-reports"): report_json,
    ("POST", "/admin/orgs/organisation/add/"): lambda seed: {
        "code": "GRID-ORG",
        "name": "网格社会组织",
        "name_en": "",
        "kind": "social_org",
        "parent": str(Organisation.objects.get(code="370203").pk),
        "active_from": "",
        "active_to": "",
    },
    ("POST", "/admin/orgs/organisation/{org}/change/"): lambda seed: {
        "name": "改名的社会组织",
        "name_en": "renamed",
        "active_from": "",
        "active_to": "",
    },
    ("POST", "/admin/accounts/membership/add/"): lambda seed: {
        "user": str(seed.person),
        "organisation": str(seed.department),
        "role": "clerk",
        "active_from": "2026-01-01",
    },
    ("POST", "/audit/verify/"): lambda seed: {},
    ("POST", "/admin/auth/user/{person}/password/"): lambda seed: {
        "password1": "grid-new-passphrase-2026",
        "password2": "grid-new-passphrase-2026",
        "usable_password": "true",
    },
}

# Signing out changes nothing that belongs to the app; every other write names its state.
EFFECTS: dict[tuple[str, str], Callable[[GridSeed], object]] = {
    ("POST", "/audit/verify/"): lambda seed: audit_count("audit.verify"),
    ("POST", "/accounts/lockouts/release/"): lambda seed: (
        AccessAttempt.objects.filter(username=GRID_LOCKED).count(),
        audit_count("account.unlock"),
    ),
    ("POST", "/admissions/{draft}/attachments/"): lambda seed: (
        ApplicationAttachment.objects.count(),
        audit_count("application.attach"),
    ),
    ("POST", "/admissions/{draft}/attachments/{attachment}/withdraw/"): lambda seed: (
        ApplicationAttachment.objects.get(pk=seed.attachment).withdrawn_at is None,
        audit_count("application.detach"),
    ),
    ("POST", "/notifications/{notification}/read/"): lambda seed: (
        Notification.objects.get(pk=seed.notification).read_at is None
    ),
    ("POST", "/catalog/office/new/"): lambda seed: (
        CatalogItem.objects.filter(code="GRID-NEW").count(),
        audit_count("catalog_item.create"),
    ),
    ("POST", "/catalog/office/items/{item}/"): item_state("{item}", "catalog_item.revise"),
    ("POST", "/catalog/office/items/{item}/suspend/"): item_state("{item}", "catalog_item.suspend"),
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): item_state(
        "{suspended}", "catalog_item.reinstate"
    ),
    ("POST", "/catalog/office/items/{item}/retire/"): item_state("{item}", "catalog_item.retire"),
    ("POST", "/catalog/office/publish/"): lambda seed: (
        CatalogEdition.objects.count(),
        audit_count("catalog.publish"),
    ),
    ("POST", "/catalog/office/import/"): lambda seed: (
        CatalogImport.objects.count(),
        audit_count("catalog_import.check"),
    ),
    ("POST", "/catalog/office/import/{batch}/confirm/"): lambda seed: (
        CatalogImport.objects.get(pk=seed.batch).status,
        CatalogItem.objects.count(),
        audit_count("catalog_import.confirm"),
    ),
    ("POST", "/calendar/2027/import/"): lambda seed: (
        CalendarOverride.objects.count(),
        audit_count("calendar_year.enter"),
    ),
    ("POST", "/calendar/2027/"): lambda seed: CalendarOverride.objects.count(),
    ("POST", "/calendar/2027/day/"): lambda seed: (
        CalendarOverride.objects.count(),
        audit_count("calendar_day.set"),
    ),
    ("POST", "/admissions/new/"): lambda seed: new_applications(),
    ("POST", "/admissions/{draft}/edit/"): application_state("draft", "application.revise"),
    ("POST", "/admissions/{draft}/submit/"): application_state("draft", "application.submit"),
    ("POST", "/admissions/{consulting}/withdraw/"): application_state(
        "consulting", "application.withdraw"
    ),
    ("POST", "/admissions/{consulting}/vote/"): consulting_ballots,
    ("POST", "/admissions/{in_review}/review/"): application_state(
        "in_review", "application.return"
    ),
    ("POST", "/admissions/{at_committee}/decide/"): application_state(
        "at_committee", "application.approve"
    ),
    ("POST", "/admissions/{urgent}/urgent-approve/"): application_state(
        "urgent", "application.urgent_approve"
    ),
    ("POST", "/admissions/rounds/{round_planned}/open/"): round_state(
        "round_planned", "review_round.open_consultation"
    ),
    ("POST", "/admissions/rounds/{round_consulting}/close/"): round_state(
        "round_consulting", "review_round.close_consultation"
    ),
    ("POST", "/api/v1/applications"): lambda seed: new_applications(),
    ("POST", "/api/v1/applications/{draft}/submit"): application_state(
        "draft", "application.submit"
    ),
    ("POST", "/api/v1/applications/{consulting}/withdraw"): application_state(
        "consulting", "application.withdraw"
    ),
    ("POST", "/api/v1/applications/{consulting}/ballots"): consulting_ballots,
    ("POST", "/api/v1/applications/{in_review}/review"): application_state(
        "in_review", "application.return"
    ),
    ("POST", "/api/v1/applications/{at_committee}/decision"): application_state(
        "at_committee", "application.approve"
    ),
    ("POST", "/api/v1/applications/{urgent}/urgent-approval"): application_state(
        "urgent", "application.urgent_approve"
    ),
    ("POST", "/api/v1/review-rounds/{round_planned}/open-consultation"): round_state(
        "round_planned", "review_round.open_consultation"
    ),
    ("POST", "/api/v1/review-rounds/{round_consulting}/close-consultation"): round_state(
        "round_consulting", "review_round.close_consultation"
    ),
    ("POST", "/dispatch/send/"): new_tasks,
    ("POST", "/dispatch/assignments/{assignment_received}/accept/"): assignment_state(
        "assignment_received", "assignment.accept"
    ),
    ("POST", "/dispatch/assignments/{assignment_unadmitted}/refuse/"): assignment_state(
        "assignment_unadmitted", "assignment.refuse"
    ),
    ("POST", "/dispatch/assignments/{assignment_accepted}/submit/"): assignment_state(
        "assignment_accepted", "assignment.submit"
    ),
    ("POST", "/dispatch/assignments/{assignment_accepted}/extension/"): assignment_state(
        "assignment_accepted", "assignment.request_extension"
    ),
    ("POST", "/dispatch/assignments/{assignment_submitted}/confirm/"): assignment_state(
        "assignment_submitted", "assignment.confirm"
    ),
    ("POST", "/dispatch/assignments/{assignment_submitted}/return/"): assignment_state(
        "assignment_submitted", "assignment.return"
    ),
    ("POST", "/dispatch/assignments/{assignment_extension}/grant/"): assignment_state(
        "assignment_extension", "assignment.grant_extension"
    ),
    ("POST", "/dispatch/assignments/{assignment_extension}/decline/"): assignment_state(
        "assignment_extension", "assignment.decline_extension"
    ),
    ("POST", "/dispatch/reports/new/"): new_reports,
    ("POST", "/api/v1/tasks"): new_tasks,
    ("POST", "/api/v1/assignments/{assignment_received}/accept"): assignment_state(
        "assignment_received", "assignment.accept"
    ),
    ("POST", "/api/v1/assignments/{assignment_unadmitted}/refuse"): assignment_state(
        "assignment_unadmitted", "assignment.refuse"
    ),
    ("POST", "/api/v1/assignments/{assignment_accepted}/complete"): assignment_state(
        "assignment_accepted", "assignment.submit"
    ),
    ("POST", "/api/v1/assignments/{assignment_accepted}/extension"): assignment_state(
        "assignment_accepted", "assignment.request_extension"
    ),
    ("POST", "/api/v1/off-platform-reports"): new_reports,
    ("POST", "/admin/orgs/organisation/add/"): lambda seed: (
        Organisation.objects.filter(code="GRID-ORG").count(),
        audit_count("organisation.create"),
    ),
    ("POST", "/admin/orgs/organisation/{org}/change/"): lambda seed: (
        Organisation.objects.get(pk=seed.org).name,
        audit_count("organisation.update"),
    ),
    ("POST", "/admin/accounts/membership/add/"): lambda seed: (
        Membership.objects.filter(user_id=seed.person).count(),
        audit_count("membership.grant"),
    ),
    ("POST", "/admin/auth/user/{person}/password/"): lambda seed: (
        User.objects.get(pk=seed.person).password
    ),
}
# Signing out, a code posted by someone with no authenticator (sent to enrol) or before the QR
# code was shown (sent to scan it) change nothing.
STATELESS_WRITES = {
    ("POST", "/accounts/logout/"),
    ("POST", "/accounts/mfa/"),
    ("POST", "/accounts/mfa/setup/"),
}

# Each app's part of the grid, declared beside its code (<app>/tests/grid_*.py).
GRID_PARTS: tuple[GridPart, ...] = (
    grid_registry.PART,
    grid_import.PART,
    grid_matters.PART,
    grid_programmes.PART,
    grid_public.PART,
    grid_glance.PART,
    grid_oversight_api.PART,
    grid_oversight_pages.PART,
    grid_funding.PART,
    grid_auditing.PART,
    grid_funding_pages.PART,
    grid_contracts.PART,
    grid_insights.PART,
    grid_received.PART,
    grid_receptions.PART,
    grid_certificates.PART,
)
for _part in GRID_PARTS:
    assert not set(_part.matrix) & set(MATRIX), "a part repeats a row"
    MATRIX.update(_part.matrix)
    PAYLOADS.update(_part.payloads)
    EFFECTS.update(_part.effects)

# Personal information never leaves in full (SECURITY check 11) ---------------------------------


def sealed_secrets() -> frozenset[str]:
    """Every ID number, phone and address the residents' tables hold sealed, unsealed: what no
    page, API answer or export may show in full."""
    secrets: set[str] = set()
    for model, column in sealed_columns():
        values = model._default_manager.values_list(column.attname, flat=True)
        secrets.update(unseal(column.kind, value) for value in values if value)
    return frozenset(secrets)


def readable_text(response: HttpResponseBase) -> str:
    """What a person could read in a response: the body, the cells of a workbook, the text of
    a PDF."""
    if not isinstance(response, HttpResponse) and hasattr(response, "streaming_content"):
        body = b"".join(cast(Iterable[bytes], response.streaming_content))
    else:
        body = cast(HttpResponse, response).content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    if body.startswith(b"%PDF"):
        try:
            return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except (
            PdfReadError,
            ValueError,
        ):  # the grid's token attachments are not whole PDFs: read the bytes
            pass
    return body.decode("utf-8", "replace")


def leaked_secrets(seed: GridSeed, response: HttpResponseBase) -> list[str]:
    if not seed.secrets:
        return []
    text = readable_text(response)
    return sorted(secret for secret in seed.secrets if secret in text)


# Running a cell ----------------------------------------------------------------------------------


def outcome_of(response: HttpResponseBase) -> str:
    if response.status_code in {301, 302, 303}:
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?next="):
            return SIGN_IN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_SIGN_IN
        return REDIRECT
    return str(response.status_code)


# A page's write that is allowed redirects (a refused one redirects to sign in, or answers
# 403, 404, or 200 with the form and its errors), or answers 201 where a protocol says so
# (Open311's form-encoded POST); the API's answers 200 or 201.
ALLOWED_PAGE_WRITES = {REDIRECT, CREATED}
ALLOWED_API_WRITES = {PAGE, CREATED}


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def run_cell(
    seed: GridSeed, method: str, path: str, person: str, expected: str | None = None
) -> list[str]:
    """One person's request, rolled back afterwards; the problems found, if any."""
    expected = expected or MATRIX[(method, path)][person]
    effect = EFFECTS.get((method, path))
    pinned = clock.pinned()
    clock.pin(ROW_CLOCK.get((method, path), pinned))
    try:
        return _run_cell(seed, method, path, person, expected, effect)
    finally:
        clock.pin(pinned)


def _run_cell(
    seed: GridSeed,
    method: str,
    path: str,
    person: str,
    expected: str,
    effect: Callable[[GridSeed], object] | None,
) -> list[str]:
    problems: list[str] = []
    with transaction.atomic():
        user = None if person == ANONYMOUS else seed.people[person]
        client = signed_in(user, raise_request_exception=False)
        before = effect(seed) if effect else None
        if method == "GET":
            response = client.get(seed.url(path))
        elif is_api(path):
            payload = json.dumps(PAYLOADS[(method, path)](seed))
            response = client.post(seed.url(path), data=payload, content_type="application/json")
        else:
            response = client.post(seed.url(path), data=PAYLOADS[(method, path)](seed))
        after = effect(seed) if effect else None
        got = outcome_of(response)
        if method == "GET":
            problems.extend(
                f"{person} GET {path}: shows a full {secret!r}"
                for secret in leaked_secrets(seed, response)
            )
        allowed = expected in (ALLOWED_API_WRITES if is_api(path) else ALLOWED_PAGE_WRITES)
        if got != expected:
            problems.append(f"{person} {method} {path}: expected {expected}, got {got}")
        elif effect and allowed and before == after:
            problems.append(f"{person} {method} {path}: allowed, but nothing changed")
        elif effect and not allowed and before != after:
            problems.append(
                f"{person} {method} {path}: denied, yet changed {before!r} -> {after!r}"
            )
        transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize(("method", "path"), list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
# Every person posts from one test address: the public filing and sign-up limits (http.ratelimits,
# tested in matters/ and programmes/) would answer 429 to the sixth; the grid is about who may.
@override_settings(RATELIMIT_ENABLE=False)
def test_the_grid(seed: GridSeed, method: str, path: str) -> None:
    mismatches = [problem for person in ROLES for problem in run_cell(seed, method, path, person)]
    assert not mismatches, f"{method} {path}:\n" + "\n".join(mismatches)


# The grid is complete ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    namespaces: tuple[str, ...]


def url_routes(
    patterns: Iterable[URLPattern | URLResolver], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from url_routes(
                entry.url_patterns,
                prefix + str(entry.pattern),
                (*namespaces, entry.namespace or ""),
            )
        else:
            yield Route(prefix + str(entry.pattern), entry.name, namespaces)


# Django's own plumbing in the admin site: sign-in and password pages of the signed-in person,
# the JavaScript catalogue, autocomplete, "view on site" and the catch-all. Each runs behind the
# admin site's has_permission like the index, which the grid covers.
ADMIN_SITE_PLUMBING = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "autocomplete",
    "view_on_site",
    "app_list",
    None,
}
# The generic per-object URLs every ModelAdmin gets. Each model's changelist must have a row
# (so that registering a model in the admin means declaring who sees it); its add, change,
# delete and history pages use the same permission methods, sampled above for the models
# that can change.
ADMIN_GENERIC_SUFFIXES = ("_add", "_change", "_delete", "_history", "_password_change")


def needs_a_row(route: Route) -> bool:
    if route.namespaces[:1] == ("admin",):
        if route.name in ADMIN_SITE_PLUMBING:
            return False
        return not (route.name or "").endswith(ADMIN_GENERIC_SUFFIXES)
    return route.name != "set_language"  # Django's i18n plumbing; test_views covers it


def path_only(path: str) -> str:
    return path.split("?", 1)[0]


def covered_routes(seed: GridSeed) -> set[str]:
    return {resolve(path_only(seed.url(path))).route for _method, path in MATRIX}


def test_every_path_in_the_urlconf_has_a_row(seed: GridSeed) -> None:
    routes = [route for route in url_routes(get_resolver().url_patterns) if needs_a_row(route)]
    missing = sorted({route.route for route in routes} - covered_routes(seed))
    assert not missing, "Add these paths to MATRIX:\n" + "\n".join(missing)


def test_every_model_in_the_admin_has_its_changelist_in_the_grid(seed: GridSeed) -> None:
    registered = {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry
    }
    assert registered <= covered_routes(seed)


def test_every_row_names_every_person_and_every_write_its_effect() -> None:
    for key, answers in MATRIX.items():
        assert tuple(answers) == ROLES, key
        if key[0] == "POST":
            assert key in PAYLOADS, f"{key}: what does the write send?"
            assert key in EFFECTS or key in STATELESS_WRITES, f"{key}: what would it change?"
    assert set(PAYLOADS) <= set(MATRIX)
    assert set(EFFECTS) <= set(MATRIX)


def test_the_grid_has_every_person_of_the_world() -> None:
    assert set(WORLD_PEOPLE) == {*PEOPLE, "no_role"}


# Own organisation against another kind of organisation -----------------------------------------


@pytest.mark.parametrize("person", ["subdistrict_officer", "subdistrict_officer_other"])
def test_an_officer_of_a_subdistrict_has_no_office_rights(
    seed: GridSeed, client: Client, person: str
) -> None:
    """Both hold the role named "officer"; only the committee office's officer is office staff."""
    (office_grant,) = user_grants(seed.people["office_officer"])
    (grant,) = user_grants(seed.people[person])
    assert grant.role == office_grant.role == "officer"
    assert grant.kind == "subdistrict" != office_grant.kind
    officer = seed.people[person]
    assert not can_manage_catalog(officer)
    assert not can_use_admin_site(officer)

    client.force_login(officer)
    assert client.get("/catalog/office/").status_code == 404
    before = audit_count("catalog_item.create")
    response = client.post("/catalog/office/new/", data=new_item_form(seed))
    assert response.status_code == 404
    assert not CatalogItem.objects.filter(code="GRID-NEW").exists()
    assert audit_count("catalog_item.create") == before
    assert outcome_of(client.get("/admin/")) == ADMIN_SIGN_IN
    response = client.post(seed.url("/catalog/office/items/{item}/retire/"), {"reason": "x"})
    assert response.status_code == 404
    assert CatalogItem.objects.get(code=seed.item).status == "active"


def test_a_department_files_only_for_itself(seed: GridSeed, client: Client) -> None:
    """department_clerk_other (DEPT-WJ) is offered its own department only: filing for DEPT-MZ
    is a form error on the page and 403 from the API, and it does not see DEPT-MZ's drafts."""
    client.force_login(seed.people["department_clerk_other"])
    page = client.get("/admissions/new/").content.decode()
    assert 'value="DEPT-WJ"' in page
    assert 'value="DEPT-MZ"' not in page
    before = new_applications()
    response = client.post("/admissions/new/", data=application_form(applicant="DEPT-MZ"))
    assert response.status_code == 200
    assert 'name="applicant"' in response.content.decode()
    assert response.context["form"].errors["applicant"]
    response = client.post(
        "/api/v1/applications", data=application_json(seed), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert new_applications() == before
    assert client.get(seed.url("/admissions/{draft}/")).status_code == 404

    response = client.post("/admissions/new/", data=application_form(applicant="DEPT-WJ"))
    assert response.status_code == 302
    own = Application.objects.get(item_name=NEW_APPLICATION)
    assert own.applicant.code == "DEPT-WJ"
    assert new_applications() == (before[0] + 1, before[1] + 1)


def test_a_subdistrict_officer_votes_only_for_its_own_body(seed: GridSeed, client: Client) -> None:
    """Consulted on the same application, the subdistrict's officer votes for the subdistrict,
    never for its community; the other subdistrict's officer is not consulted and sees nothing."""
    vote = seed.url("/admissions/{consulting}/vote/")
    cast = audit_count("ballot.cast")
    client.force_login(seed.people["subdistrict_officer"])
    response = client.post(vote, {"body": "370203031001", "vote": "reject"})
    assert response.status_code == 403
    assert consulting_ballots(seed) == ([("370203031", ""), ("370203031001", "")], cast)
    response = client.post(vote, {"body": "370203031", "vote": "approve"})
    assert response.status_code == 302
    voted = [("370203031", "approve"), ("370203031001", "")]
    assert consulting_ballots(seed) == (voted, cast + 1)

    client.force_login(seed.people["subdistrict_officer_other"])
    for body in ["370203014", "370203031"]:
        assert client.post(vote, {"body": body, "vote": "reject"}).status_code == 404
    response = client.post(
        seed.url("/api/v1/applications/{consulting}/ballots"),
        data={"vote": "reject"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert consulting_ballots(seed) == (voted, cast + 1)


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("subdistrict_officer", {"consulting", "at_committee"}),
        ("community_worker", {"consulting", "at_committee"}),
        ("subdistrict_officer_other", {"in_review", "at_committee"}),
        ("community_secretary_other", {"in_review", "at_committee"}),
        ("department_clerk_other", set()),
        ("social_org_staff", set()),
    ],
)
def test_a_body_lists_only_the_applications_it_is_consulted_on(
    seed: GridSeed, client: Client, person: str, sees: set[str]
) -> None:
    client.force_login(seed.people[person])
    page = client.get("/admissions/").content.decode()
    listed = {
        key
        for key in ["draft", "submitted", "consulting", "in_review", "at_committee", "urgent"]
        if f'href="/admissions/{getattr(seed, key)}/"' in page
    }
    assert listed == sees


# The API's token: the same person as the session, until revoked -------------------------------


def test_me_answers_to_a_bearer_token_until_it_is_revoked(seed: GridSeed, client: Client) -> None:
    person = seed.people["community_secretary"]
    token, raw = api_token_issue(actor=None, user=person, label="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "community_secretary"
    assert response.json()["memberships"][0]["role"] == "secretary"

    api_token_revoke(actor=None, token=token, reason="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer cg_not-a-token"})
    assert response.status_code == 401


def test_a_deactivated_persons_token_is_refused(seed: GridSeed, client: Client) -> None:
    _token, raw = api_token_issue(actor=None, user=seed.people[DEACTIVATED_ADMIN], label="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


# Django's own permission system grants nothing past the memberships ----------------------------

ADMIN_ROWS = [key for key in MATRIX if key[1].startswith("/admin/")]


def test_the_admin_cannot_make_anyone_a_superuser(seed: GridSeed, client: Client) -> None:
    officer = seed.people["office_officer"]
    client.force_login(seed.people["office_admin"])
    change = f"/admin/auth/user/{officer.pk}/change/"
    page = client.get(change).content.decode()
    for flag in ["is_superuser", "is_staff", "user_permissions", "groups"]:
        assert f'name="{flag}"' not in page, flag
    view_audit = Permission.objects.get(codename="view_auditevent")
    response = client.post(
        change,
        {
            "username": "office_officer",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [str(view_audit.pk)],
            "first_name": "",
            "last_name": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_superuser
    assert not officer.is_staff
    assert not officer.user_permissions.exists()
    assert outcome_of(client.get("/admin/auth/group/")) == NOT_FOUND


def test_a_superuser_is_refused_by_the_admin_even_with_an_office_role(seed: GridSeed) -> None:
    """Django lets a superuser past every ModelAdmin check; the admin refuses them instead,
    whatever their memberships (they are created only from the command line)."""
    officer = seed.people["office_officer"]
    officer.is_superuser = officer.is_staff = True
    officer.save(update_fields=["is_superuser", "is_staff"])
    mismatches = [
        problem
        for method, path in ADMIN_ROWS
        for problem in run_cell(
            seed, method, path, "office_officer", expected=MATRIX[(method, path)]["no_role"]
        )
    ]
    assert not mismatches, "\n".join(mismatches)


def check_office_officer_with_django_permissions(seed: GridSeed) -> None:
    """Per-user Django permissions (set from the command line, say) add nothing to a role."""
    officer = seed.people["office_officer"]
    officer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["orgs", "audit", "auth"])
    )
    mismatches = [
        problem
        for method, path in ADMIN_ROWS
        for problem in run_cell(seed, method, path, "office_officer")
    ]
    assert not mismatches, "\n".join(mismatches)


def test_django_permissions_grant_nothing_with_the_installed_backends(seed: GridSeed) -> None:
    check_office_officer_with_django_permissions(seed)


# Personal information at rest (SECURITY check 11a) ----------------------------------------------


def test_the_grid_holds_personal_information_to_protect(seed: GridSeed) -> None:
    """The parts seed residents, matters, parties and enrolments with ID numbers and phones, so
    that the grid's scan for full values (in `run_cell`) cannot pass for want of any."""
    assert any(is_valid_id_number(secret) for secret in seed.secrets)
    assert sum(secret.startswith("1") and len(secret) == 11 for secret in seed.secrets) >= 2


def test_no_table_holds_personal_information_in_plain_text(seed: GridSeed) -> None:
    """A raw read of every table, the audit log and the task queue included, finds none of the
    sealed values and nothing shaped like an ID number or a mobile phone."""
    shapes = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for record in cursor.fetchall():
                text = " ".join(str(value) for value in record)
                found += [f"{table}: {secret}" for secret in seed.secrets if secret in text]
                found += [f"{table}: {shape}" for shape in shapes.findall(text)]
    assert not found, "\n".join(found)


# The burden dashboard's public version names no one (insights/tests/grid_received.py) ---------


def test_the_public_burden_figures_hold_no_personal_data(seed: GridSeed) -> None:
    """Everything of the burden dashboard anyone may read (its public rows: pages, XLSX, PDF,
    API) holds no user's name or user name, no task's title, none of the sealed ID numbers and
    phones, and nothing shaped like an ID number or a mobile phone."""
    shapes = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")
    people = {
        text
        for user in seed.people.values()
        for text in (user.get_username(), user.get_full_name(), user.last_name + user.first_name)
        if text
    }
    assert grid_received.PUBLIC_TASK_TITLE and "王网格" in people
    titles = set(Task.objects.values_list("title", flat=True))
    public = [
        path
        for (method, path), answers in MATRIX.items()
        if method == "GET"
        and path.startswith(("/burden/", "/api/v1/burden/"))
        and answers == PUBLIC
    ]
    assert len(public) >= 12
    found: list[str] = []
    for path in public:
        response = signed_in(None).get(seed.url(path))
        assert response.status_code == 200, path
        text = readable_text(response).replace("\x00", "")
        found += [
            f"{path}: {name}"
            for name in people
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        ]
        found += [f"{path}: {title}" for title in titles if title in text]
        found += [f"{path}: {secret}" for secret in seed.secrets if secret in text]
        found += [f"{path}: {shape}" for shape in shapes.findall(text)]
    assert not found, "\n".join(found)
