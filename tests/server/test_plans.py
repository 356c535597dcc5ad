"""Plans and indicators as data over HTTP: a plan uploaded as a draft is invisible to the public and previewed by
a signed-in user, published it is the briefing's for everyone, retracted the briefing is as before; a restated
plan retracted brings the earlier statement back; admins alone add indicators, which uploads can then use."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from layers.core.plans import PLANS_DIR
from layers.importing.plans import COLUMNS
from server.app import create_app
from server.settings import Settings
from tests.conftest import EVALUATED, TEMPLATE

PASSWORD = "a long enough password"
PLAN = "gansu-ip-15,甘肃省知识产权“十五五”规划,Gansu IP 15th,2026,2030,"
SECTION = "二、发展目标 " + TEMPLATE[1]  # template syntax in the plan's own words: stored and shown as typed
PLAN_CSV = (",".join(COLUMNS) + "\n"
            + PLAN + "invention_patents_per_10k,baseline,2025,=,4.1,件/万人,一、发展基础,达到4.1件\n"
            + PLAN + f"invention_patents_per_10k,target,2030,>=,8.8,件/万人,{SECTION},到2030年达到8.8件\n").encode()
BRIEFING = "/briefing?level=prefecture&indicator=invention_patents_per_10k"
SERIES = "/api/regions/620000/series?indicator=invention_patents_per_10k"
TARGET = "≥8.8"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("plans") / "plans.sqlite"
    settings = Settings(database=db, token="test-token", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        accounts = c.app.state.accounts  # type: ignore[attr-defined]
        accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        for name, role in (("li", "publisher"), ("wang", "uploader"), ("zhou", "admin")):
            accounts.add_user(name, role, PASSWORD)
        c.tokens = {n: accounts.create_token(n)[1] for n in ("li", "wang", "zhou")}  # type: ignore[attr-defined]
        yield c


def bearer(c: TestClient, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {c.tokens[name]}"}  # type: ignore[attr-defined]


def signed_in(c: TestClient, name: str) -> str:
    c.cookies.clear()  # whoever was signed in before
    page = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"csrf": csrf, "name": name, "password": PASSWORD, "next": "/workspace"},
               follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/workspace").text).group(1)  # type: ignore[union-attr]


def test_a_draft_plan_is_previewed_then_published_then_retracted(client: TestClient) -> None:
    anon = TestClient(client.app)
    before = anon.get(BRIEFING)
    version = anon.get("/healthz").json()["data_version"]
    assert before.status_code == 200 and TARGET not in before.text
    r = client.post("/api/plans", files={"file": ("十五五.csv", PLAN_CSV)}, headers=bearer(client, "wang"))
    assert r.status_code == 200, r.text
    draft = r.json()["dataset_id"]
    assert r.json()["state"] == "draft" and r.json()["preview"] == f"/briefing?draft={draft}"
    assert anon.get("/healthz").json()["data_version"] == version  # a draft moves no version
    assert anon.get(BRIEFING).content == before.content
    assert anon.get(f"{BRIEFING}&draft={draft}").status_code == 403
    preview = client.get(f"{BRIEFING}&draft={draft}", headers=bearer(client, "wang"))
    assert preview.status_code == 200 and preview.headers["cache-control"] == "private, no-store"
    assert TARGET in preview.text and "2026–2030" in preview.text  # judged from the plan's own start
    assert TEMPLATE[1] in preview.text and not any(e in preview.text for e in EVALUATED)
    assert client.post(f"/api/datasets/{draft}/publish", headers=bearer(client, "wang")).status_code == 403
    assert client.post(f"/api/datasets/{draft}/publish", headers=bearer(client, "li")).status_code == 200
    published = anon.get(BRIEFING)
    assert TARGET in published.text and "二、发展目标" in published.text  # the plan section is the target's source
    assert client.post(f"/api/datasets/{draft}/retract", headers=bearer(client, "li")).status_code == 200
    assert anon.get(BRIEFING).text.replace(f"version={version + 2}", f"version={version}") == before.text
    assert TARGET not in anon.get(BRIEFING).text


def test_a_restated_plan_retracted_brings_the_earlier_statement_back(client: TestClient) -> None:
    path = next(PLANS_DIR.glob("*.toml"))
    restated = path.read_text().replace("value = 3.5\n", "value = 4.25\n", 1).encode()

    def target() -> float:
        return float(client.get(SERIES).json()["target"]["value"])

    assert target() == 3.5
    r = client.post("/api/plans?publish=true", files={"file": (path.name, restated)}, headers=bearer(client, "li"))
    assert r.status_code == 200 and r.json()["state"] == "published"
    assert target() == 4.25  # a plan is what its newest statement says, whole
    client.post(f"/api/datasets/{r.json()['dataset_id']}/retract", headers=bearer(client, "li"))
    assert target() == 3.5


def test_plan_upload_roles_and_the_report(client: TestClient) -> None:
    assert client.post("/api/plans", files={"file": ("p.csv", PLAN_CSV)}).status_code == 401
    assert client.post("/api/plans?publish=true", files={"file": ("p.csv", PLAN_CSV)},
                       headers=bearer(client, "wang")).status_code == 403
    bad = PLAN_CSV.replace(b"2030,>=,8.8", b"2031,>=,8.8")
    r = client.post("/api/plans", files={"file": ("p.csv", bad)}, headers=bearer(client, "wang"))
    assert r.status_code == 422
    assert [(x["row"], x["column"], x["code"]) for x in r.json()["report"]] == [(3, "year", "target_outside_plan")]
    dry = client.post("/api/plans?dry_run=true", files={"file": ("p.csv", PLAN_CSV)}, headers=bearer(client, "wang"))
    assert dry.status_code == 200 and dry.json()["dataset_id"] is None and len(dry.json()["figures"]) == 2


def test_the_workspace_checks_commits_and_previews_a_plan(client: TestClient) -> None:
    csrf = signed_in(client, "wang")
    assert "/workspace/plans" in client.get("/workspace").text
    checked = client.post("/workspace/plans/check", data={"csrf": csrf}, files={"file": ("p.csv", PLAN_CSV)})
    assert checked.status_code == 200 and "8.8" in checked.text and "件/万人" in checked.text
    assert client.post("/workspace/plans/check", files={"file": ("p.csv", PLAN_CSV)}).status_code == 403  # no CSRF
    staged = re.search(r'name="staged" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    r = client.post("/workspace/plans/commit", data={"csrf": csrf, "staged": staged}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    draft = int(r.headers["location"].rsplit("/", 1)[1])
    assert page.headers["cache-control"] == "private, no-store" and f"/briefing?draft={draft}" in page.text
    assert "2026–2030" in page.text and TEMPLATE[1].replace("'", "&#39;") in page.text
    assert "/publish" not in page.text  # an uploader drafts; a publisher publishes
    assert client.post(f"/workspace/plans/{draft}/publish", data={"csrf": csrf}).status_code == 403
    listing = client.get("/workspace/plans").text
    assert f"/workspace/plans/{draft}" in listing and "2026–2030" in listing
    csrf = signed_in(client, "li")
    assert f'action="/workspace/plans/{draft}/publish"' in client.get(f"/workspace/plans/{draft}").text
    version = client.get("/healthz").json()["data_version"]
    r = client.post(f"/workspace/plans/{draft}/publish", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/workspace/plans/{draft}"
    assert client.get("/healthz").json()["data_version"] == version + 1
    page = client.get(f"/workspace/plans/{draft}").text
    assert f"draft={draft}" not in page and f'action="/workspace/plans/{draft}/retract"' in page  # the public views
    r = client.post(f"/workspace/plans/{draft}/retract", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and client.get("/healthz").json()["data_version"] == version + 2
    audit = client.get("/api/audit?limit=2", headers=bearer(client, "zhou")).json()
    assert [(a["actor"], a["action"]) for a in audit] == [("li", "retract"), ("li", "publish")]


def test_templates_have_a_header_and_a_commented_example(client: TestClient) -> None:
    for kind, first in (("data", "地区,指标,年份,数值"), ("plan", "plan_id,name_zh")):
        r = client.get(f"/workspace/templates/{kind}.csv")
        lines = r.content.decode("utf-8-sig").splitlines()
        assert r.status_code == 200 and lines[0].startswith(first) and lines[1].startswith("# ")
    data = client.get("/workspace/templates/data.csv").content
    r = client.post("/api/datasets?dry_run=true", files={"file": ("t.csv", data)}, headers=bearer(client, "wang"))
    # the example row is passed over: a blank template has no rows, and nothing else is wrong with it
    assert [x["code"] for x in r.json()["report"]] == ["no_rows"]
    assert client.get("/workspace/templates/long.csv").status_code == 200  # the earlier templates stay
    book = client.get("/workspace/templates/plan.xlsx")
    r = client.post("/api/plans?dry_run=true", files={"file": ("plan.xlsx", book.content)},
                    headers=bearer(client, "wang"))
    assert [x["code"] for x in r.json()["report"]] == ["empty"]  # the header read, the example row passed over


def test_admins_add_indicators_that_uploads_then_use(client: TestClient, request: pytest.FixtureRequest) -> None:
    fields = {"id": "trademark_applications", "name_zh": "商标申请量", "name_en": 'Trademark "R&D" applications',
              "unit": "件", "unit_en": "applications", "kind": "count", "aliases": "商标申请数", "per_10k": "on"}
    csv = "地区,指标,年份,数值\n城关区,商标申请数,2023,120\n".encode()
    up = client.post("/api/datasets?dry_run=true", files={"file": ("t.csv", csv)}, headers=bearer(client, "wang"))
    assert up.status_code == 422  # not in the catalogue yet
    other = TestClient(create_app(client.app.state.settings))  # type: ignore[attr-defined]
    other.__enter__()
    request.addfinalizer(lambda: other.__exit__(None, None, None))
    for name, status in (("wang", 403), ("li", 403)):
        csrf = signed_in(client, name)
        assert client.post("/workspace/indicators", data={"csrf": csrf} | fields).status_code == status
    csrf = signed_in(client, "zhou")
    assert client.post("/workspace/indicators", data=fields).status_code == 403  # no CSRF
    r = client.post("/workspace/indicators", data={"csrf": csrf} | fields)
    assert r.status_code == 200 and "trademark_applications_per_10k" in r.text
    assert "Trademark &#34;R&amp;D&#34; applications" in r.text  # escaped where it is shown
    again = client.post("/workspace/indicators", data={"csrf": csrf} | fields)
    assert again.status_code == 422 and "已在指标目录中" in again.text
    up = client.post("/api/datasets?dry_run=true", files={"file": ("t.csv", csv)}, headers=bearer(client, "wang"))
    assert up.status_code == 200 and up.json()["rows"] == 1
    # another instance, started before the indicator was added, takes it in when it checks an upload
    up = other.post("/api/datasets?dry_run=true", files={"file": ("t.csv", csv)}, headers=bearer(client, "wang"))
    assert up.status_code == 200 and up.json()["rows"] == 1
    audit = client.get("/api/audit?action=add_indicator", headers=bearer(client, "zhou")).json()
    assert [(a["actor"], a["subject"]) for a in audit] == [("zhou", "trademark_applications, "
                                                                    "trademark_applications_per_10k")]
