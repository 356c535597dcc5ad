"""Plans as data in the workspace and the API: a plan file (the template's CSV/XLSX or the plan TOML) checked into a
report, committed as a draft, previewed with the plan in force, published and retracted like any dataset; the blank
templates; and the catalogue, to which admins add indicators."""

from __future__ import annotations

from pathlib import PureWindowsPath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPBearer
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from layers.core.errors import ImportRejectedError
from layers.pages import plans
from layers.store.accounts import Principal
from server import auth
from server.deps import AtlasDep
from server.templating import render_private

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["plans"])
ROLE_ZH = {"uploader": "上传员", "publisher": "发布员", "admin": "管理员"}
FORM_OVERHEAD = 64 * 1024
BEARER = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A user's API token (`ipmap token create NAME`) or the bootstrap IPMAP_TOKEN")
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Dataset id of a plan (see /api/datasets)")]


def context(who: Principal, csrf: str, **extra: object) -> dict[str, object]:
    """What every workspace page shows: who is signed in, the role's name and the CSRF token for its forms."""
    return {"user": who, "csrf": csrf, "role_zh": ROLE_ZH.get(who.role, who.role), "lang": "zh"} | extra


def template(kind: str) -> Response:
    """A blank CSV to fill in (UTF-8 with BOM, so Excel opens the Chinese headers right)."""
    return Response("\ufeff" + plans.TEMPLATES[kind], media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="ipmap-{kind}-template.csv"',
                             "Cache-Control": "public, max-age=3600"})


@router.get("/workspace/templates/data.csv")
def data_template() -> Response:
    """The data upload template: long form, header and one example row commented out."""
    return template("data")


@router.get("/workspace/templates/plan.csv")
def plan_template() -> Response:
    """The plan template: one row per baseline or target, header and one example row commented out."""
    return template("plan")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(kind: str) -> Response:
    """A blank template as a workbook."""
    return Response(plans.template_xlsx(kind), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="ipmap-{kind}-template.xlsx"',
                             "Cache-Control": "public, max-age=3600"})


@router.get("/workspace/templates/data.xlsx")
def data_template_xlsx() -> Response:
    """The data upload template as a workbook."""
    return workbook("data")


@router.get("/workspace/templates/plan.xlsx")
def plan_template_xlsx() -> Response:
    """The plan template as a workbook."""
    return workbook("plan")


async def read_file(request: Request, max_fields: int) -> tuple[dict[str, str], bytes, str]:
    """A multipart form's text fields, its file's bytes and name, refused with 413 past the upload limit."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise HTTPException(413, f"upload larger than {limit:,} bytes", headers=auth.NO_STORE)
    try:
        form = await request.form(max_files=1, max_fields=max_fields)
    except MultiPartException as e:
        raise HTTPException(400, f"unreadable form: {e.message}", headers=auth.NO_STORE) from e
    file = form.get("file")
    data = await file.read() if isinstance(file, UploadFile) else b""
    if len(data) > limit:
        raise HTTPException(413, f"file larger than {limit:,} bytes", headers=auth.NO_STORE)
    name = PureWindowsPath(file.filename or "").name if isinstance(file, UploadFile) else ""
    return {k: v for k, v in form.items() if isinstance(v, str)}, data, name or "plan.csv"


@router.get("/workspace/plans")
def plan_home(request: Request, atlas: AtlasDep) -> Response:
    """The plan upload form, the template, and every plan dataset with its period and state."""
    who, csrf = auth.page_user(request)
    return render_private(request, "workspace_plans.html",
                          context(who, csrf, datasets=plans.plan_datasets(atlas)))


@router.post("/workspace/plans/check")
async def plan_check(request: Request, atlas: AtlasDep) -> Response:
    """Check a plan file: each figure's indicator, year, comparator, unit, section and sentence; nothing is written
    but the file, kept for the commit."""
    who, csrf = await run_in_threadpool(auth.page_user, request)
    fields, data, name = await read_file(request, 4)
    auth.check_csrf(request, fields, csrf)
    if not data:
        return render_private(request, "workspace_plans.html", context(
            who, csrf, datasets=plans.plan_datasets(atlas),
            problems=["请选择规划文件（CSV、XLSX 或 TOML） · choose a plan file"]), 422)
    result = plans.check_view(await run_in_threadpool(plans.checked, atlas, data, name))
    staged = None
    if not result["errors"]:
        staged = await run_in_threadpool(auth.accounts(request).stage, who.name, name, data, {"kind": "plan"})
    return render_private(request, "workspace_plan_check.html",
                          context(who, csrf, result=result, staged=staged, file_name=name), 200 if staged else 422)


@router.post("/workspace/plans/commit")
async def plan_commit(request: Request, atlas: AtlasDep) -> Response:
    """Commit a checked plan as a draft: checked once more, written in one transaction, public only once
    published."""
    who, csrf = await run_in_threadpool(auth.page_user, request)
    form = await request.form(max_files=0, max_fields=4)
    auth.check_csrf(request, form, csrf)
    staged_id = str(form.get("staged", ""))
    accounts = auth.accounts(request)
    staged = await run_in_threadpool(accounts.staged, staged_id, who.name)
    if staged is None or staged[2].get("kind") != "plan":
        raise HTTPException(404, "this checked file is gone (committed already, or over a day old): upload it again",
                            headers=auth.NO_STORE)
    file_name, data, _ = staged
    dataset_id = await run_in_threadpool(plans.commit, atlas, data, file_name, who.name)
    await run_in_threadpool(accounts.unstage, staged_id)
    await run_in_threadpool(accounts.record, who.name, "upload_plan", f"dataset {dataset_id}", file_name,
                            auth.client_ip(request))
    return RedirectResponse(f"/workspace/plans/{dataset_id}", 303, headers=auth.NO_STORE)


@router.get("/workspace/plans/{dataset_id}")
def plan_page(request: Request, atlas: AtlasDep, dataset_id: PlanId) -> Response:
    """One plan dataset: its period, targets and baselines with their sections, previews, publish or retract."""
    who, csrf = auth.page_user(request)
    return render_private(request, "workspace_plan.html", context(who, csrf, **plans.plan_dataset(atlas, dataset_id)))


@router.post("/workspace/plans/{dataset_id}/{action}")
async def plan_act(request: Request, atlas: AtlasDep, dataset_id: PlanId,
                   action: Literal["publish", "retract"]) -> Response:
    """Publish a plan (it is in force from the new data version on) or retract it (publishers); audited."""
    await auth.publish_or_retract(request, atlas.store, dataset_id, action, "plan; ",
                             lambda: plans.plan_dataset(atlas, dataset_id))  # a plan dataset, or 404
    return RedirectResponse(f"/workspace/plans/{dataset_id}", 303, headers=auth.NO_STORE)


@router.get("/workspace/indicators")
def indicators(request: Request, atlas: AtlasDep) -> Response:
    """The catalogue, and (admins) the form that adds an indicator."""
    who, csrf = auth.page_user(request)
    return render_private(request, "workspace_indicators.html",
                          context(who, csrf, catalogue=plans.catalogue_view(atlas), form={}))


@router.post("/workspace/indicators")
async def add_indicator(request: Request, atlas: AtlasDep) -> Response:
    """Add an indicator to the catalogue (admins): checked, kept in the store, audited; uploads can then use it."""
    who, csrf = await run_in_threadpool(auth.page_user, request, "admin")
    form = await request.form(max_files=0, max_fields=12)
    auth.check_csrf(request, form, csrf)
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    added, report = await run_in_threadpool(plans.add_indicator, atlas, fields, who.name)
    if added:
        await run_in_threadpool(auth.accounts(request).record, who.name, "add_indicator", ", ".join(added),
                                f"{fields.get('name_zh', '')[:100]} · {fields.get('unit', '')[:40]}",
                                auth.client_ip(request))
    return render_private(request, "workspace_indicators.html", context(
        who, csrf, catalogue=plans.catalogue_view(atlas), added=added, report=report,
        form={} if added else fields), 200 if added else 422)


def flag(values: dict[str, str], name: str) -> bool:
    """A true/false field, checked (422 in the report's shape)."""
    text = values.get(name, "false").strip().lower()
    if text not in TRUE | FALSE:
        raise ImportRejectedError(f"{name} must be true or false", [{
            "row": None, "column": name, "problem": f"{name} must be true or false, not {text[:20]!r}",
            "suggestion": "true or false", "code": "bad_parameter", "severity": "error"}], {})
    return text in TRUE


# The body is read by hand (size-limited, token first), so it is documented here for /docs and clients.
PLAN_BODY: dict[str, object] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "The plan template as CSV or XLSX, or the plan TOML file"},
                   "dry_run": {"type": "string", "description": "Same as the query parameter"},
                   "publish": {"type": "string", "description": "Same as the query parameter"}}}}}}}


@api_router.post("/api/plans", dependencies=[Depends(BEARER)], openapi_extra=PLAN_BODY,
                 responses={400: {"description": "Unreadable file, or no file"},
                            401: {"description": "Missing or wrong token"},
                            403: {"description": "publish=true from a caller who may not publish"},
                            413: {"description": "File larger than max_upload_bytes"},
                            422: {"description": "The plan has problems: {detail, report: [{row, column, problem, "
                                                 "suggestion}]}"}})
async def upload_plan(request: Request, atlas: AtlasDep,
                      dry_run: Annotated[str | None, Query(description="true: check only, write nothing")] = None,
                      publish: Annotated[str | None, Query(description="true: publish at once (publishers)")] = None,
                      ) -> Response:
    """Upload a plan (multipart field `file`: the plan template's CSV/XLSX, or the plan TOML): a dry run returns the
    report and the figures; a commit adds a draft plan dataset (published at once with publish=true, for
    publishers). Any error writes nothing (422)."""
    who = await run_in_threadpool(auth.api_caller, request, "uploader")
    fields, data, name = await read_file(request, 4)
    values = {"dry_run": dry_run or fields.get("dry_run", ""), "publish": publish or fields.get("publish", "")}
    is_dry, publish_now = flag(values, "dry_run"), flag(values, "publish")
    if publish_now and not who.may("publisher"):
        raise HTTPException(403, f"publish=true needs a publisher; {who.name} is a {who.role}")
    if not data:
        raise HTTPException(400, "send the plan file as multipart/form-data in the field 'file'")
    result = await run_in_threadpool(plans.checked, atlas, data, name)
    body = plans.check_view(result)
    if result.errors:
        raise ImportRejectedError(f"the plan has {len(result.errors)} problems: nothing was written",
                                  result.report(), {})
    dataset_id = None
    if not is_dry:
        dataset_id = await run_in_threadpool(plans.commit, atlas, data, name, who.name, publish_now)
        await run_in_threadpool(auth.accounts(request).record, who.name,
                                "publish_plan" if publish_now else "upload_plan", f"dataset {dataset_id}", name,
                                auth.client_ip(request))
    state = None if dataset_id is None else "published" if publish_now else "draft"
    return JSONResponse(jsonable_encoder(body | {
        "dry_run": is_dry, "dataset_id": dataset_id, "state": state,
        "preview": f"/briefing?draft={dataset_id}" if state == "draft" else None}), headers=auth.NO_STORE)
