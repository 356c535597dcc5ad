"""Property-based fuzzing of every documented operation in /openapi.json, in process: no 5xx, and every
response (status, content type, headers, body) matches what the schema documents."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from layers.render.image import MAX_PIXELS, ExportOptions
from server.app import create_app
from server.settings import Settings

EXAMPLES = 60  # per operation and phase
RENDERS = r"^/(export|briefing|map\.json)"  # draw a map per call (matplotlib, or Folium): fewer examples, same checks
RENDER_EXAMPLES = 10
CALLS: Counter[tuple[str, str, int]] = Counter()

# The schema comes from an app that is built but never started, so collecting this module costs nothing;
# the cases run against `fuzzed_app`, started on a store of its own.
SPEC = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
schema = schemathesis.openapi.from_dict(SPEC)
# Export, briefing and map-state operations draw a map per call: for them the random (fuzzing) phase only, not the
# coverage phase's sweep of boundary values (4000 x 4000 px images and the like), so the run stays short.
renders = schemathesis.openapi.from_dict(
    SPEC, config=schemathesis.config.SchemathesisConfig.from_str("[phases.coverage]\nenabled = false\n"),
).include(path_regex=RENDERS)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app on its own store; afterwards, every documented operation must have been called."""
    settings = Settings(database=tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan: atlas loaded, store seeded
        yield app
    operations = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert {p for _, p in operations if re.match(RENDERS, p)} == {"/export.{fmt}", "/briefing.pdf", "/map.json"}
    called = {(m, p) for m, p, _ in CALLS}
    assert operations and operations <= called, operations - called
    statuses = Counter(s for _, _, s in CALLS.elements())
    print(f"\nschemathesis: {len(operations)} operations, {sum(CALLS.values())} calls, statuses {dict(statuses)}")


def over_canvas(case: schemathesis.Case) -> bool:
    """A PNG canvas over MAX_PIXELS (width*scale x height*scale) is refused with a 422 naming the limit: a rule
    across three parameters that the schema cannot state, each of them alone being in range."""
    if case.path != "/export.{fmt}":
        return False
    q = {**ExportOptions.model_construct().model_dump(), **(case.query or {})}
    try:
        return float(q["width"]) * float(q["scale"]) * float(q["height"]) * float(q["scale"]) > MAX_PIXELS
    except (TypeError, ValueError):
        return False


def check(case: schemathesis.Case, fuzzed_app: FastAPI) -> None:
    # A schema cannot say which bytes make a readable table, so a well-formed upload of random bytes is rightly
    # refused (400/422); every other check, 5xx and response schemas included, still runs on uploads.
    upload = case.method.upper() == "POST" and case.path in ("/api/datasets", "/api/plans")
    excluded = [schemathesis.checks.positive_data_acceptance] if upload or over_canvas(case) else []
    # ignored_auth probes a successful write again without the token over plain HTTP, which an in-process app
    # cannot take; every write's 401 without a token is checked in test_roles (the role matrix) instead.
    excluded.append(schemathesis.checks.ignored_auth)
    # With the token, so uploads get past the door (the 401 without it is in test_no_leaks and test_bad_inputs).
    # A cold export or briefing PDF is a full matplotlib render: schemathesis's default 10 s read timeout is a
    # speed test on a busy machine, not a schema check (speed lives in bench/).
    response = case.call_and_validate(app=fuzzed_app, headers={"Authorization": "Bearer test-token"},
                                      excluded_checks=excluded, timeout=120)
    CALLS[(case.method.upper(), case.path, response.status_code)] += 1
    assert response.status_code < 500


@schema.exclude(path_regex=RENDERS).parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case, fuzzed_app: FastAPI) -> None:
    check(case, fuzzed_app)


@renders.parametrize()
@settings(max_examples=RENDER_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_exports_conform_to_their_schema(case: schemathesis.Case, fuzzed_app: FastAPI) -> None:
    check(case, fuzzed_app)
