"""One import from bytes to a new dataset version: read, validate, and commit only a file with no errors."""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.core.errors import ImportRejectedError
from layers.core.i18n import t
from layers.importing.limits import LimitError
from layers.importing.read import read_table
from layers.importing.regions import RegionMatcher
from layers.importing.report import Issue, Options, Validated
from layers.importing.validate import Progress, validate
from layers.importing.values import text_problem, visible
from layers.store.backends import IndicatorStore
from layers.store.sqlite import DatasetMeta

MAX_TEXT = 500
MAX_FILE_NAME = 255  # what a file system holds
# Big5 (or other non-GBK) bytes read as GB18030 land in the private-use area: a sign of the wrong encoding.
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True)
class Upload:
    """The file and what comes with it."""

    data: bytes
    file_name: str
    dry_run: bool = False
    source: str = ""
    name: str = ""
    uploader: str = ""
    options: Options = Options()
    publish: bool = True  # False: a draft, which no public page reads until it is published


def check(upload: Upload, catalogue: Catalogue, matcher: RegionMatcher,
          progress: Progress | None = None) -> Validated:
    """Read and validate; raises UnreadableFileError for a file that cannot be read at all."""
    lang = upload.options.lang
    try:
        table = read_table(upload.data, upload.file_name)
    except LimitError as e:
        issue = Issue(e.row, None, e.code, t(f"imp_{e.code}", lang, **e.fmt), t(f"imp_{e.code}_fix", lang, **e.fmt))
        result = Validated(pd.DataFrame(), [issue], {"lang": lang})
    else:
        result = validate(table, catalogue, matcher, upload.options, progress)
        if table.encoding == "gb18030":
            line = next((i + 1 for i, row in enumerate(table.rows)
                         if any(PRIVATE_USE.search(str(c)) for c in row)), None)
            if line is not None:
                result.issues.append(Issue(line, None, "encoding_suspect", t("imp_encoding_suspect", lang),
                                           t("imp_encoding_suspect_fix", lang), "warning"))
    fields = (("source", upload.source, MAX_TEXT), ("name", upload.name, MAX_TEXT),
              ("uploader", upload.uploader, MAX_TEXT), ("file_name", upload.file_name, MAX_FILE_NAME))
    for name, text, limit in fields:
        code = text_problem(text, limit, one_line=name != "source")
        if code is not None:
            fmt = {"text": visible(text[:40]), "limit": limit}
            fix = t("imp_file_name_fix" if name == "file_name" else f"imp_{code}_fix", lang, **fmt)
            result.issues.append(Issue(None, name, code, t(f"imp_{code}", lang, **fmt), fix))
    if not upload.dry_run and not upload.source.strip():
        result.issues.append(Issue(None, "source", "source_required", t("imp_source_required", lang),
                                   t("imp_source_required_fix", lang)))
    return result


def run_import(upload: Upload, catalogue: Catalogue, matcher: RegionMatcher, store: IndicatorStore,
               progress: Progress | None = None) -> dict[str, object]:
    """Dry run: the report. Commit: a new dataset version, written in one transaction, only if there are no errors.

    Raises ImportRejectedError (with the report) when any row has an error; the store is then untouched.
    """
    result = check(upload, catalogue, matcher, progress)
    summary = result.summary
    if result.errors:
        n = len(result.errors)
        raise ImportRejectedError(t("imp_rejected", upload.options.lang, n=n), result.report(), summary)
    dataset_id = None
    if not upload.dry_run:
        meta = DatasetMeta(name=upload.name.strip() or upload.file_name or "upload", kind="upload",
                           source=upload.source.strip(), file_name=upload.file_name,
                           uploader=upload.uploader.strip())
        dataset_id = store.add_dataset(meta, result.observations, publish=upload.publish)
    # The data version that published it (None for a draft): what a link should name.
    published = (store.dataset(dataset_id) or {}).get("version") if dataset_id is not None else None
    version = int(float(published)) if isinstance(published, numbers.Real) and published == published else None
    state = None if dataset_id is None else "published" if version is not None else "draft"
    return {"dry_run": upload.dry_run, "dataset_id": dataset_id, "state": state, "version": version,
            "preview": f"/map?draft={dataset_id}" if state == "draft" else None,
            "rows": len(result.observations), "report": result.report(), "summary": summary}
