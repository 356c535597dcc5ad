"""The planners' workspace: upload and check a file, commit it as a draft, see what it changes, publish or retract,
and (admins) read the audit. Every page is for one signed-in user: private, no-store, never kept."""

from __future__ import annotations

from pathlib import PureWindowsPath
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from layers.importing.report import Options
from layers.importing.service import Upload, run_import
from layers.pages import workspace
from layers.store.accounts import Principal
from server import auth
from server.deps import AtlasDep
from server.templating import render_private

router = APIRouter(include_in_schema=False)
ROLE_ZH = {"uploader": "上传员", "publisher": "发布员", "admin": "管理员"}
FORM_OVERHEAD = 64 * 1024


def context(request: Request, who: Principal, csrf: str, **extra: object) -> dict[str, object]:
    """What every workspace page shows: who is signed in, the role's name and the CSRF token for its forms."""
    return {"user": who, "csrf": csrf, "role_zh": ROLE_ZH.get(who.role, who.role), "lang": "zh"} | extra


def upload_options(form: dict[str, str]) -> tuple[Options, list[str]]:
    """The upload's options from the form fields, and what is wrong with them (shown above the form)."""
    problems = []
    level = form.get("level") or None
    if level not in (None, "prefecture", "county"):
        problems.append("层级只能是市州或县区 · level is prefecture or county")
        level = None
    year_text = (form.get("year") or "").strip()
    if year_text and not (year_text.isdigit() and len(year_text) == 4):
        problems.append("年份应为四位数字 · the year is four digits, e.g. 2023")
        year_text = ""
    return Options(level=level, indicator=(form.get("indicator") or "").strip() or None,
                   year=int(year_text) if year_text else None, source=form.get("source", "").strip()), problems


def home_context(atlas: AtlasDep, **extra: object) -> dict[str, object]:
    """The upload form's choices and the dataset list."""
    uploadable = [i for i in atlas.catalogue.indicators.values() if i.upload]
    return {"indicators": uploadable, "datasets": workspace.datasets(atlas), "form": {}} | extra


@router.get("/workspace")
def home(request: Request, atlas: AtlasDep) -> Response:
    """Upload form (file picker or drag and drop), blank templates, and every dataset with its state."""
    who, csrf = auth.page_user(request)
    return render_private(request, "workspace.html", context(request, who, csrf, **home_context(atlas)))


@router.get("/workspace/templates/{kind}.csv")
def template(kind: Literal["long", "wide"]) -> Response:
    """A blank CSV to fill in (UTF-8 with BOM, so Excel opens the Chinese headers right)."""
    return Response("\ufeff" + workspace.TEMPLATES[kind], media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="ipmap-{kind}-template.csv"',
                             "Cache-Control": "public, max-age=3600"})


@router.post("/workspace/check")
async def check(request: Request, atlas: AtlasDep) -> Response:
    """Check a file against the same rules as the API; nothing is written but the file, kept for the commit."""
    who, csrf = await run_in_threadpool(auth.page_user, request)
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise HTTPException(413, f"upload larger than {limit:,} bytes", headers=auth.NO_STORE)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as e:
        raise HTTPException(400, f"unreadable form: {e.message}", headers=auth.NO_STORE) from e
    auth.check_csrf(request, form, csrf)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    opts, problems = upload_options(fields)
    file = form.get("file")
    data = await file.read() if isinstance(file, UploadFile) else b""
    if not data:
        problems.append("请选择一个 CSV 或 XLSX 文件 · choose a CSV or XLSX file")
    if len(data) > limit:
        raise HTTPException(413, f"file larger than {limit:,} bytes", headers=auth.NO_STORE)
    if problems:
        return render_private(request, "workspace.html", context(
            request, who, csrf, **home_context(atlas, problems=problems, form=fields)), 422)
    name = PureWindowsPath(file.filename or "").name if isinstance(file, UploadFile) else ""
    upload = Upload(data, name or "upload", False, opts.source, fields.get("name", "").strip(), who.name, opts,
                    publish=False)
    result = await run_in_threadpool(workspace.checked, atlas, upload)
    staged = None
    if not result["errors"]:
        staged = await run_in_threadpool(auth.accounts(request).stage, who.name, upload.file_name, data,
                                         fields | {"source": opts.source})
    return render_private(request, "workspace_check.html", context(
        request, who, csrf, result=result, staged=staged, file_name=upload.file_name,
        **home_context(atlas, form=fields)), 200 if staged else 422)


@router.post("/workspace/commit")
async def commit(request: Request, atlas: AtlasDep) -> Response:
    """Commit a checked file as a draft: checked once more, written in one transaction, shown to nobody public."""
    who, csrf = await run_in_threadpool(auth.page_user, request)
    form = await request.form(max_files=0, max_fields=4)
    auth.check_csrf(request, form, csrf)
    staged_id = str(form.get("staged", ""))
    accounts = auth.accounts(request)
    staged = await run_in_threadpool(accounts.staged, staged_id, who.name)
    if staged is None:
        raise HTTPException(404, "this checked file is gone (committed already, or over a day old): upload it again",
                            headers=auth.NO_STORE)
    file_name, data, fields = staged
    opts, _ = upload_options(fields)
    upload = Upload(data, file_name, False, opts.source, fields.get("name", ""), who.name, opts, publish=False)
    await run_in_threadpool(atlas.refresh_catalogue)  # indicators an admin added on another instance
    result = await run_in_threadpool(run_import, upload, atlas.catalogue, atlas.matcher, atlas.store)
    await run_in_threadpool(accounts.unstage, staged_id)
    dataset_id = result["dataset_id"]
    await run_in_threadpool(accounts.record, who.name, "upload", f"dataset {dataset_id}",
                            f"{file_name}: {result['rows']} values; source {opts.source[:200]}",
                            auth.client_ip(request))
    return RedirectResponse(f"/workspace/datasets/{dataset_id}", 303, headers=auth.NO_STORE)


@router.get("/workspace/datasets/{dataset_id}")
def dataset(request: Request, atlas: AtlasDep, dataset_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    """One dataset: what publishing (or retracting) it would change, value by value, with preview links."""
    who, csrf = auth.page_user(request)
    return render_private(request, "workspace_dataset.html",
                          context(request, who, csrf, **workspace.changes(atlas, dataset_id, atlas.version())))


@router.post("/workspace/datasets/{dataset_id}/{action}")
async def act(request: Request, atlas: AtlasDep, dataset_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
              action: Literal["publish", "retract"]) -> Response:
    """Publish or retract from the workspace (publishers); audited like the API's."""
    await auth.publish_or_retract(request, atlas.store, dataset_id, action)
    return RedirectResponse(f"/workspace/datasets/{dataset_id}", 303, headers=auth.NO_STORE)



@router.get("/workspace/audit")
def audit(request: Request) -> Response:
    """The audit trail, newest first (admins)."""
    who, csrf = auth.page_user(request, "admin")
    lines = auth.accounts(request).audit(500, 0)
    return render_private(request, "workspace_audit.html", context(request, who, csrf, lines=lines))
