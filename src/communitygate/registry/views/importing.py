"""Pages: the registry import (居民信息导入). A community's secretary and workers upload an XLSX
or CSV file for their community, follow its progress (a progress bar polled by
`import-progress.js`, with a meta refresh when scripts are off) and read every problem by row and
column when it is rejected. Anyone else gets 404."""

import datetime as dt
import io
import random

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from communitygate.accounts.permissions import works_in_a_community
from communitygate.core.idnumbers import generate_id_number
from communitygate.core.tabular import xlsx_response
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.steps import run_create
from communitygate.registry.forms.importing import ResidentImportForm
from communitygate.registry.permissions import communities_staffed_by
from communitygate.registry.selectors.importing import (
    ACTIVE_STATUSES,
    access_resident_import,
    import_percent,
    import_progress,
    imports_visible_to,
)
from communitygate.registry.services.importing import (
    EXAMPLE_MARK,
    IMPORT_HEADERS,
    REQUIRED_HEADERS,
    import_lease_checked,
    resident_import_start,
)

LIST_LIMIT = 50
PROBLEMS_PER_PAGE = 100


# A community's secretary and workers import its registry; anyone else gets 404.
@only_for(works_in_a_community)
@replay_on_resubmit
def import_list(request: HttpRequest) -> HttpResponse:
    communities = list(communities_staffed_by(request.user).order_by("code"))
    form = ResidentImportForm(request.POST or None, request.FILES or None, communities=communities)
    started = run_create(
        request,
        form,
        lambda: resident_import_start(
            actor=request.user,
            community=form.chosen_community(),
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"].read(),
        ),
        success=_("The file is queued; every row is checked before anything is written."),
        redirect_to=lambda batch: reverse("registry:import_detail", args=[batch.pk]),
    )
    if started:
        return started
    imports = imports_visible_to(request.user).select_related("community", "uploaded_by")[
        :LIST_LIMIT
    ]
    return render(
        request,
        "registry/import_list.html",
        {
            "form": form,
            "imports": imports,
            "headers": IMPORT_HEADERS,
            "required": REQUIRED_HEADERS,
        },
    )


@login_required
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = import_lease_checked(access_resident_import(request.user, batch_id))
    problems = Paginator(batch.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import_detail.html",
        {
            "batch": batch,
            "running": batch.status in ACTIVE_STATUSES,
            "percent": import_percent(batch),
            "problems": problems,
        },
    )


@login_required
def import_progress_json(request: HttpRequest, batch_id: int) -> JsonResponse:
    batch = import_lease_checked(access_resident_import(request.user, batch_id))
    return JsonResponse(import_progress(batch))


def template_workbook() -> bytes:
    """The headers, one example row (clearly demo data, refused if left in) and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "居民信息"
    sheet.append(list(IMPORT_HEADERS))
    birth = dt.date(1950, 5, 1)
    rng = random.Random(5)  # noqa: S311 (a demo number, not a secret)
    example_id = generate_id_number(rng, region="370203", birth_date=birth, sex="male")
    sheet.append(
        [
            "洛阳路街道",
            "商邱路社区",
            "示例小区",
            "1号楼",
            "1单元",
            "101",
            f"{EXAMPLE_MARK}演示居民",
            example_id,
            "男",
            birth.isoformat(),
            "0532-88881234",
            "户籍人口",
            "户主",
            "山东省青岛市市北区示例路1号",
            "独居老人、党员",
            "2010-03-01",
        ]
    )
    for column in ("H", "K"):
        for cell in sheet[column]:
            cell.number_format = "@"  # ID numbers and phones as text, not numbers
    notes = workbook.create_sheet("填写说明")
    for line in (
        ["第 2 行是示例（演示数据，号码为生成的），导入前请删除；保留示例行的文件会被拒绝。"],
        [f"必填列：{'、'.join(REQUIRED_HEADERS)}。列的顺序不限，不要添加其他列。"],
        ["社区、街道：填本社区（或其上级街道）的名称或代码。"],
        ["身份证号：18 位（15 位旧号自动升级），设置为文本格式；性别、出生日期须与号码一致。"],
        ["人员类别：户籍人口、常住人口、流动人口（空白为户籍人口）。"],
        [
            "与户主关系：户主、配偶、子女、父母、孙子女、其他（空白为其他）；同一房间只能有一位户主。"
        ],
        ["关爱标签：系统中的标签名称，多个用顿号（、）或逗号分隔。"],
        ["日期：2024-01-05、2024/1/5 或 Excel 日期。同一房间的各行组成一户。"],
        ["任何一行有错误时整份文件都不会写入，请按问题清单改正后重新上传。"],
    ):
        notes.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@only_for(works_in_a_community)
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_workbook(), "居民信息导入模板.xlsx")


urlpatterns: list[URLPattern] = [
    path("import/", import_list, name="import"),
    path("import/template.xlsx", import_template, name="import_template"),
    path("import/<int:batch_id>/", import_detail, name="import_detail"),
    path("import/<int:batch_id>/progress.json", import_progress_json, name="import_progress"),
]
