"""Dataset versions: list and read them (public), and the planners' upload (bearer token, size-limited)."""

from __future__ import annotations

import hmac
from pathlib import PureWindowsPath
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from layers.core.errors import ImportRejectedError
from layers.importing.report import Options
from layers.importing.service import Upload, run_import
from layers.pages import api
from server.deps import AtlasDep

router = APIRouter(tags=["datasets"])
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the small form fields around the file
FIELDS = ("dry_run", "level", "source", "name", "indicator", "year", "uploader", "lang")
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}
UPLOAD_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Clean dry run or commit: {dry_run, dataset_id, rows, report, summary}"},
    400: {"description": "Unreadable file: encoding or format"},
    401: {"description": "Missing or wrong bearer token"},
    403: {"description": "Writes are disabled: no token configured"},
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

# Documents the scheme in /openapi.json (and /docs' Authorize button); require_token does the checking.
BEARER = HTTPBearer(auto_error=False, scheme_name="token", description="IPMAP_TOKEN of the server")


def require_token(request: Request) -> None:
    """Writes need `Authorization: Bearer <token>`; with no token configured, writes are off."""
    token = request.app.state.settings.token
    if not token:
        raise HTTPException(403, "writes are disabled: no token is configured (IPMAP_TOKEN)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


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


def options(values: dict[str, str]) -> tuple[bool, Options]:
    """dry_run and the import options from form fields or query parameters, checked."""
    flag = values.get("dry_run", "false").strip().lower()
    if flag not in TRUE | FALSE:
        raise rejected("dry_run", f"dry_run must be true or false, not {flag!r}", "true or false")
    level = values.get("level") or None
    if level not in (None, "prefecture", "county"):
        raise rejected("level", f"unknown level {level!r}", "prefecture or county")
    year_text = values.get("year") or None
    if year_text is not None and not year_text.strip().isdigit():
        raise rejected("year", f"year must be a four-digit year, not {year_text!r}", "e.g. 2022")
    lang = values.get("lang") or "zh"
    if lang not in ("zh", "en"):
        raise rejected("lang", f"unknown lang {lang!r}", "zh or en")
    return flag in TRUE, Options(level=level, indicator=values.get("indicator") or None,
                                 year=int(year_text) if year_text else None, source=values.get("source", ""),
                                 lang=lang)


# Parameters are taken as text and checked after the token, so a caller without one learns nothing else
# and every problem comes back in the report's shape.
Text = str | None


@router.post("/api/datasets", responses=UPLOAD_RESPONSES, dependencies=[Depends(BEARER)], openapi_extra=UPLOAD_BODY)
async def upload(request: Request, atlas: AtlasDep,
                 dry_run: Annotated[Text, Query(description="true: validate only, write nothing (default false)")]
                 = None,
                 level: Annotated[Text, Query(description="prefecture or county: settles names such as 临夏")] = None,
                 source: Annotated[Text, Query(description="Where the figures come from; required to commit")] = None,
                 name: Annotated[Text, Query(description="Dataset name; the file name by default")] = None,
                 indicator: Annotated[Text, Query(description="Indicator of a file without an indicator column")]
                 = None,
                 year: Annotated[Text, Query(description="Year of a file without a year column")] = None,
                 uploader: Annotated[Text, Query(description="Who uploads; 'token' by default")] = None,
                 lang: Annotated[Text, Query(description="zh or en: language of the report")] = None,
                 ) -> dict[str, object]:
    """Upload CSV or XLSX (multipart field `file`): a dry run returns the report; a commit adds a dataset version.

    Every field may also be sent as a form field. Any error in any row rejects the whole file (422) and
    writes nothing.
    """
    require_token(request)
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
    # The name only: a client may send a full path (C:\Users\…\x.csv, ../../x), which is nobody's business here.
    file_name = PureWindowsPath(file.filename or "").name or "upload"
    upload = Upload(data, file_name, is_dry, values.get("source", ""), values.get("name", ""),
                    values.get("uploader") or "token", opts)
    result: dict[str, object] = await run_in_threadpool(run_import, upload, atlas.catalogue, atlas.matcher,
                                                         atlas.store)
    return result


@router.get("/api/datasets")
def datasets(atlas: AtlasDep) -> list[dict[str, object]]:
    """Every dataset version with its provenance: name, kind, source, file, uploader, time, rows, illustrative."""
    return api.datasets(atlas)


@router.get("/api/datasets/{dataset_id}")
def dataset(atlas: AtlasDep, dataset_id: int,
            limit: Annotated[int, Query(ge=0, le=100_000, description="Rows to return")] = 1000,
            offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, object]:
    """One version: its provenance, what it covers, and the rows it wrote (paged)."""
    return api.dataset(atlas, dataset_id, limit, offset)
