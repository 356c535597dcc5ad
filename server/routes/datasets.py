"""Datasets: list and read the published ones (public), upload (a draft, or published at once by a publisher),
publish and retract; the audit trail for admins."""

from __future__ import annotations

from pathlib import PureWindowsPath
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from layers.core.errors import ImportRejectedError, NotFoundError
from layers.importing.report import Options
from layers.importing.service import Upload, run_import
from layers.pages import api
from server import auth
from server.deps import AtlasDep

router = APIRouter(tags=["datasets"])
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the small form fields around the file
FIELDS = ("dry_run", "publish", "level", "source", "name", "indicator", "year", "lang")
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}
UPLOAD_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Clean dry run or commit: {dry_run, dataset_id, state, version, preview, rows, report, "
                         "summary}"},
    400: {"description": "Unreadable file: encoding or format"},
    401: {"description": "Missing or wrong bearer token"},
    403: {"description": "publish=true from a caller who may not publish"},
    413: {"description": "File larger than max_upload_bytes"},
    422: {"description": "The file or a parameter has problems: "
                         "{detail, report: [{row, column, problem, suggestion}]}"},
}


# The body is read by hand (size-limited, token first), so it is documented here for /docs and clients.
UPLOAD_BODY: dict[str, object] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "CSV (UTF-8, BOM, GBK/GB18030) "
                                                                                 "or XLSX"}}
    | {f: {"type": "string", "description": "Same as the query parameter"} for f in FIELDS}}}}}}

# Documents the scheme in /openapi.json (and /docs' Authorize button); server.auth does the checking.
BEARER = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A user's API token (`ipmap token create NAME`) or the bootstrap IPMAP_TOKEN")


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to be too large (Content-Length first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise HTTPException(413, f"upload larger than {limit:,} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit + MULTIPART_OVERHEAD:
            raise HTTPException(413, f"upload larger than {limit:,} bytes")
    return bytes(body)


def rejected(column: str, problem: str, suggestion: str | None = None) -> ImportRejectedError:
    """A 422 in the import report's shape, for a bad parameter."""
    return ImportRejectedError(problem, [{"row": None, "column": column, "problem": problem,
                                          "suggestion": suggestion, "code": "bad_parameter",
                                          "severity": "error"}], {})


def flag(values: dict[str, str], name: str) -> bool:
    """A true/false field, checked."""
    text = values.get(name, "false").strip().lower()
    if text not in TRUE | FALSE:
        raise rejected(name, f"{name} must be true or false, not {text!r}", "true or false")
    return text in TRUE


def options(values: dict[str, str]) -> tuple[bool, Options]:
    """dry_run and the import options from form fields or query parameters, checked."""
    is_dry = flag(values, "dry_run")
    level = values.get("level") or None
    if level not in (None, "prefecture", "county"):
        raise rejected("level", f"unknown level {level!r}", "prefecture or county")
    year_text = values.get("year") or None
    if year_text is not None and not year_text.strip().isdigit():
        raise rejected("year", f"year must be a four-digit year, not {year_text!r}", "e.g. 2022")
    lang = values.get("lang") or "zh"
    if lang not in ("zh", "en"):
        raise rejected("lang", f"unknown lang {lang!r}", "zh or en")
    return is_dry, Options(level=level, indicator=values.get("indicator") or None,
                                 year=int(year_text) if year_text else None, source=values.get("source", ""),
                                 lang=lang)


# Dataset ids are 32-bit in both stores (PostgreSQL INTEGER): a larger one is a 422, not an overflow.
DatasetId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Dataset id (see /api/datasets)")]

# Parameters are taken as text and checked after the token, so a caller without one learns nothing else
# and every problem comes back in the report's shape.
Text = str | None


@router.post("/api/datasets", responses=UPLOAD_RESPONSES, dependencies=[Depends(BEARER)], openapi_extra=UPLOAD_BODY)
async def upload(request: Request, atlas: AtlasDep,
                 dry_run: Annotated[Text, Query(description="true: validate only, write nothing (default false)")]
                 = None,
                 publish: Annotated[Text, Query(description="true: publish at once as the newest data version "
                                                            "(publishers and admins); default a draft")] = None,
                 level: Annotated[Text, Query(description="prefecture or county: settles names such as 临夏")] = None,
                 source: Annotated[Text, Query(description="Where the figures come from; required to commit")] = None,
                 name: Annotated[Text, Query(description="Dataset name; the file name by default")] = None,
                 indicator: Annotated[Text, Query(description="Indicator of a file without an indicator column")]
                 = None,
                 year: Annotated[Text, Query(description="Year of a file without a year column")] = None,
                 lang: Annotated[Text, Query(description="zh or en: language of the report")] = None,
                 ) -> dict[str, object]:
    """Upload CSV or XLSX (multipart field `file`): a dry run returns the report; a commit adds a draft dataset
    (published at once as the next data version with publish=true, for publishers and admins).

    Every field may also be sent as a form field. Any error in any row rejects the whole file (422) and
    writes nothing. The uploader recorded is the caller the token belongs to.
    """
    who = await run_in_threadpool(auth.api_caller, request, "uploader")
    settings = request.app.state.settings
    body = await read_limited(request, settings.max_upload_bytes)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise rejected("file", "send the file as multipart/form-data in the field 'file'", "curl -F file=@data.csv")

    async def replay() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=2, max_fields=len(FIELDS) + 2)
    except MultiPartException as e:
        raise HTTPException(400, f"unreadable multipart body: {e.message}") from e
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise rejected("file", "the multipart field 'file' is missing", "curl -F file=@data.csv")
    data = await file.read()
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(413, f"file larger than {settings.max_upload_bytes:,} bytes")
    values = {k: v for k, v in request.query_params.items() if k in FIELDS}
    values |= {k: v for k, v in form.items() if k in FIELDS and isinstance(v, str)}
    is_dry, opts = options(values)
    publish_now = flag(values, "publish")
    if publish_now and not who.may("publisher"):
        raise HTTPException(403, f"publish=true needs a publisher; {who.name} is a {who.role}: "
                                 "leave it out to upload a draft")
    # The name only: a client may send a full path (C:\Users\…\x.csv, ../../x), which is nobody's business here.
    file_name = PureWindowsPath(file.filename or "").name or "upload"
    upload = Upload(data, file_name, is_dry, values.get("source", ""), values.get("name", ""), who.name, opts,
                    publish=publish_now)
    await run_in_threadpool(atlas.refresh_catalogue)  # indicators an admin added on another instance
    result: dict[str, object] = await run_in_threadpool(run_import, upload, atlas.catalogue, atlas.matcher,
                                                         atlas.store)
    if not is_dry:
        await run_in_threadpool(auth.accounts(request).record, who.name,
                                "publish_upload" if publish_now else "upload", f"dataset {result['dataset_id']}",
                                f"{file_name}: {result['rows']} values; source {upload.source[:200]}",
                                auth.client_ip(request))
    return result


@router.post("/api/datasets/{dataset_id}/publish",
             responses={401: {"description": "Missing or wrong token"}, 403: {"description": "Not a publisher"},
                        409: {"description": "Already published"}})
def publish(request: Request, atlas: AtlasDep, dataset_id: DatasetId) -> dict[str, object]:
    """Publish a draft (or a retracted dataset again): it becomes the newest data version (publishers:
    `Authorization: Bearer TOKEN`)."""
    who = auth.api_caller(request, "publisher")
    version = atlas.store.publish(dataset_id)
    auth.accounts(request).record(who.name, "publish", f"dataset {dataset_id}", f"data version {version}",
                                  auth.client_ip(request))
    return {"dataset_id": dataset_id, "state": "published", "version": version}


@router.post("/api/datasets/{dataset_id}/retract",
             responses={401: {"description": "Missing or wrong token"}, 403: {"description": "Not a publisher"},
                        409: {"description": "Not published"}})
def retract(request: Request, atlas: AtlasDep, dataset_id: DatasetId) -> dict[str, object]:
    """Retract a published dataset: from the new data version its values stop counting and earlier published data
    stands again; nothing is deleted (publishers: `Authorization: Bearer TOKEN`)."""
    who = auth.api_caller(request, "publisher")
    version = atlas.store.retract(dataset_id)
    auth.accounts(request).record(who.name, "retract", f"dataset {dataset_id}", f"data version {version}",
                                  auth.client_ip(request))
    return {"dataset_id": dataset_id, "state": "retracted", "version": version}


@router.get("/api/audit", tags=["audit"],
            responses={401: {"description": "Missing or wrong token"}, 403: {"description": "Not an admin"}})
def audit(request: Request,
          limit: Annotated[int, Query(ge=1, le=1000, description="Lines to return, newest first")] = 200,
          offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
          action: Annotated[str, Query(max_length=40, description="Only this action (signin_failed, upload, "
                                                                  "publish, …)")] = "") -> Response:
    """The audit trail (admins): sign-ins and their failures, uploads, publications, retractions, token and user
    changes, each with who, when, what and from where (`Authorization: Bearer TOKEN`)."""
    auth.api_caller(request, "admin")
    return JSONResponse(auth.accounts(request).audit(limit, offset, action), headers=auth.NO_STORE)


@router.get("/api/datasets")
def datasets(atlas: AtlasDep) -> list[dict[str, object]]:
    """Every published (or since retracted) dataset with its provenance: name, kind, source, file, uploader, time,
    rows, illustrative, state and the data version that published it. Drafts are not listed."""
    return api.datasets(atlas)


@router.get("/api/datasets/{dataset_id}")
def dataset(request: Request, atlas: AtlasDep, dataset_id: DatasetId,
            limit: Annotated[int, Query(ge=0, le=100_000, description="Rows to return")] = 1000,
            offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """One dataset: its provenance, what it covers, and the rows it wrote (paged). A draft is a 404 except to a
    signed-in user or a token's owner, and then never cached."""
    meta = atlas.store.dataset(dataset_id)
    private = meta is not None and meta.get("state") == "draft"
    if private and auth.caller(request) is None:
        raise NotFoundError("dataset", dataset_id)
    body = api.dataset(atlas, dataset_id, limit, offset)
    return JSONResponse(jsonable_encoder(body), headers=auth.NO_STORE if private else None)
