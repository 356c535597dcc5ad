"""The planners' workspace over HTTP: sign in and out, CSRF, lockout, upload with a report, drafts kept private,
publish and retract, the audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "a long enough password"
GOOD = "地区,指标,年份,数值\n城关区,专利授权量,2023,4321\n七里河,专利授权量,2023,1000\n".encode("gbk")
BAD = "地区,指标,年份,数值\n城关区,专利授权量,2023,4321\n七里河,专利授权量,2023,一千\n".encode("gbk")
VALUES = "/api/values?indicator=patent_grants&level=county&year=2023"
MAP = "/map?level=county&indicator=patent_grants&year=2023"


def make_client(db: Path, base_url: str = "http://testserver", **settings: object) -> TestClient:
    return TestClient(create_app(Settings(database=db, token="test-token", _env_file=None,  # type: ignore[call-arg]
                                          **settings)), base_url=base_url)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path / "ws.sqlite") as c:
        accounts = c.app.state.accounts  # type: ignore[attr-defined]
        accounts.hasher = FAST
        for name, role in (("li", "publisher"), ("wang", "uploader"), ("zhou", "admin")):
            accounts.add_user(name, role, PASSWORD)
        yield c


def form_csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(c: TestClient, name: str, password: str = PASSWORD) -> object:
    page = c.get("/login")
    return c.post("/login", data={"csrf": form_csrf(page.text), "name": name, "password": password,
                                  "next": "/workspace"}, follow_redirects=False)


def signed_in(c: TestClient, name: str) -> str:
    """Sign in and return the workspace's CSRF token."""
    assert sign_in(c, name).status_code == 303  # type: ignore[attr-defined]
    return form_csrf(c.get("/workspace").text)


def check(c: TestClient, csrf: str, data: bytes, **fields: str) -> object:
    return c.post("/workspace/check", data={"csrf": csrf, "source": "区县年报 2023（测试）"} | fields,
                  files={"file": ("县区.csv", data)})


def commit_draft(c: TestClient, csrf: str) -> int:
    page = check(c, csrf, GOOD)
    staged = re.search(r'name="staged" value="([^"]+)"', page.text).group(1)  # type: ignore[attr-defined,union-attr]
    r = c.post("/workspace/commit", data={"csrf": csrf, "staged": staged}, follow_redirects=False)
    assert r.status_code == 303
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_session_cookie_flags(client: TestClient, tmp_path: Path) -> None:
    r = sign_in(client, "li")
    cookie = r.headers["set-cookie"]  # type: ignore[attr-defined]
    assert r.status_code == 303 and r.headers["location"] == "/workspace"  # type: ignore[attr-defined]
    assert "ipmap_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie.split("ipmap_login")[0]  # plain http on 127.0.0.1
    with make_client(tmp_path / "https.sqlite", "https://testserver", public_url="https://ipmap.example") as c:
        c.app.state.accounts.hasher = FAST  # type: ignore[attr-defined]
        c.app.state.accounts.add_user("li", "publisher", PASSWORD)  # type: ignore[attr-defined]
        assert "Secure" in sign_in(c, "li").headers["set-cookie"].split("ipmap_login")[0]  # type: ignore


def test_every_form_post_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"name": "li", "password": PASSWORD})
    assert r.status_code == 403 and "ipmap_session" not in r.headers.get("set-cookie", "")
    r = client.post("/login", data={"name": "li", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403
    csrf = signed_in(client, "li")
    assert check(client, "wrong", GOOD).status_code == 403  # type: ignore[attr-defined]
    assert client.post("/workspace/commit", data={"staged": "x"}).status_code == 403
    draft = commit_draft(client, csrf)
    assert client.post(f"/workspace/datasets/{draft}/publish", data={}).status_code == 403
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    assert client.get("/workspace", follow_redirects=False).status_code == 200  # still signed in
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and 'ipmap_session=""' in r.headers["set-cookie"]
    assert client.get("/workspace", follow_redirects=False).status_code == 303


def test_a_stolen_cookie_dies_at_sign_out(client: TestClient) -> None:
    signed_in(client, "li")
    cookie = client.cookies.get("ipmap_session")
    client.post("/logout", data={"csrf": form_csrf(client.get("/workspace").text)})
    client.cookies.set("ipmap_session", cookie)  # type: ignore[arg-type]
    assert client.get("/workspace", follow_redirects=False).status_code == 303


def test_lockout_after_repeated_failures_is_shared_through_the_store(client: TestClient, tmp_path: Path) -> None:
    for _ in range(5):
        assert sign_in(client, "li", "wrong password!").status_code == 401  # type: ignore[attr-defined]
    r = sign_in(client, "li")
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text  # type: ignore[attr-defined]
    with make_client(tmp_path / "ws.sqlite") as other:  # a second instance on the same store
        assert sign_in(other, "li").status_code == 429  # type: ignore[attr-defined]
    for _ in range(3):  # refusals while locked out: one audit line for the window, not one each
        assert sign_in(client, "li").status_code == 429  # type: ignore[attr-defined]
    locked = client.app.state.accounts.audit(action="signin_locked")  # type: ignore[attr-defined]
    assert [(a["subject"], a["ip"]) for a in locked] == [("li", "testclient")]
    assert sign_in(client, "wang").status_code == 303  # type: ignore[attr-defined]  # only that name is locked
    lines = client.app.state.accounts.audit(action="signin_failed")  # type: ignore[attr-defined]
    assert len(lines) == 5 and {(a["subject"], a["ip"]) for a in lines} == {("li", "testclient")}


def test_workspace_pages_are_private_and_need_sign_in(client: TestClient) -> None:
    r = client.get("/workspace", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fworkspace"
    assert client.get("/workspace/audit", follow_redirects=False).status_code == 303
    csrf = signed_in(client, "zhou")
    draft = commit_draft(client, csrf)
    for url in ("/workspace", f"/workspace/datasets/{draft}", "/workspace/audit", "/login?next=/workspace"):
        r = client.get(url, follow_redirects=False)
        assert r.headers["cache-control"] == "private, no-store" and "etag" not in r.headers, url
        assert "<script>" not in r.text and "unsafe-inline" not in r.headers["content-security-policy"].split(
            "script-src")[1].split(";")[0], url


def test_check_shows_the_report_before_anything_is_written(client: TestClient) -> None:
    csrf = signed_in(client, "wang")
    before = client.get("/api/datasets").json()
    r = check(client, csrf, BAD)
    assert r.status_code == 422  # type: ignore[attr-defined]
    rows = re.findall(r'<tr class="sev-error"><td>(\d+)</td><td>([^<]+)</td>\s*<td>([^<]+)</td>', r.text)  # type: ignore
    assert rows and rows[0][:2] == ("3", "数值") and "一千" in rows[0][2]
    assert 'name="staged"' not in r.text  # type: ignore[attr-defined]
    # how the names matched: 七里河 by its short name
    assert re.search(r"<td>七里河</td><td>七里河区</td><td>620103</td><td>简称", r.text)  # type: ignore
    assert client.get("/api/datasets").json() == before
    r = check(client, csrf, GOOD)
    assert r.status_code == 200 and 'name="staged"' in r.text  # type: ignore[attr-defined]


def test_draft_is_private_until_published_and_retract_restores_every_public_byte(client: TestClient) -> None:
    public = {u: client.get(u, headers={"Accept-Encoding": "br"}).content for u in (VALUES, MAP, "/api/datasets")}
    version = client.get("/healthz").json()["data_version"]
    csrf = signed_in(client, "li")
    draft = commit_draft(client, csrf)
    assert client.get("/healthz").json()["data_version"] == version
    page = client.get(f"/workspace/datasets/{draft}").text
    assert re.search(r'data-count="changed">2<', page) and "-25.8%" in page and "5,823" in page

    # the signed-in preview: banner, the new value, private
    for url in (f"{MAP}&draft={draft}", f"/embed?level=county&indicator=patent_grants&year=2023&draft={draft}",
                f"{VALUES}&draft={draft}", f"/export.csv?level=county&indicator=patent_grants&year=2023&draft={draft}",
                f"/briefing?level=county&indicator=patent_grants&year=2023&draft={draft}"):
        r = client.get(url, headers={"Accept-Encoding": "br"})
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "private, no-store" and "etag" not in r.headers, url
        assert "4321" in r.text or "4,321" in r.text, url
        if "html" in r.headers["content-type"]:
            assert "草稿预览" in r.text and "Draft preview" in r.text, url
        else:
            assert r.headers["x-draft-preview"] == str(draft), url
    shown = client.get(f"/sources?draft={draft}")  # a preview's source links land on the draft's own entry
    assert shown.status_code == 200 and shown.headers["cache-control"] == "private, no-store"
    assert "区县年报 2023（测试）" in shown.text and "草稿预览" in shown.text
    # the public, after those previews went through every cache: same bytes as before, and a 403 for the draft
    anon = TestClient(client.app)
    for url, body in public.items():
        assert anon.get(url, headers={"Accept-Encoding": "br"}).content == body, url
    for url in (f"{MAP}&draft={draft}", f"{VALUES}&draft={draft}", f"/api/datasets/{draft}", f"/sources?draft={draft}"):
        r = anon.get(url, headers={"Accept-Encoding": "br"})
        assert r.status_code in (403, 404) and "4321" not in r.text and "4,321" not in r.text, url
    assert anon.get(f"{VALUES}&draft={draft}", headers={"Authorization": "Bearer nope"}).status_code == 401
    for url in ("/sources?lang=zh", "/sources?lang=en"):  # first asked after the draft: nothing kept hides a leak
        assert "区县年报 2023（测试）" not in anon.get(url).text and "县区.csv" not in anon.get(url).text, url

    r = client.post(f"/workspace/datasets/{draft}/publish", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert anon.get("/healthz").json()["data_version"] == version + 1
    assert "4,321" in anon.get(MAP).text
    r = client.post(f"/workspace/datasets/{draft}/retract", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and anon.get("/healthz").json()["data_version"] == version + 2
    assert anon.get(VALUES, headers={"Accept-Encoding": "br"}).content != public[VALUES]  # data_version moved on
    # every value is that of before, exactly; only the version number the answer states has moved on
    now, then = anon.get(VALUES).json(), anon.get(f"{VALUES}&version={version}").json()
    assert now["values"] == then["values"] and now["data_version"] == version + 2
    assert "4,321" not in anon.get(MAP).text
    assert len(anon.get(f"/api/datasets/{draft}").json()["observations"]) == 2  # nothing deleted


def test_uploaders_do_not_publish_and_admins_read_the_audit(client: TestClient) -> None:
    csrf = signed_in(client, "wang")
    draft = commit_draft(client, csrf)
    page = client.get(f"/workspace/datasets/{draft}").text
    assert "/publish" not in page and "需要发布员权限" in page
    assert client.post(f"/workspace/datasets/{draft}/publish", data={"csrf": csrf}).status_code == 403
    assert client.get("/workspace/audit").status_code == 403
    client.post("/logout", data={"csrf": csrf})
    signed_in(client, "zhou")
    audit = client.get("/workspace/audit").text
    assert "upload" in audit and f"dataset {draft}" in audit and "wang" in audit and "testclient" in audit
    assert "signin" in audit


def test_public_pages_do_not_vary_by_sign_in(client: TestClient) -> None:
    anon = TestClient(client.app)
    before = anon.get(MAP)
    signed_in(client, "li")
    after = client.get(MAP)
    assert after.content == before.content and after.headers["etag"] == before.headers["etag"]
    assert after.headers["cache-control"].startswith("public") and "cookie" not in after.headers.get("vary", "").lower()


def test_next_never_leaves_the_site(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert "evil" not in page.text
    r = client.post("/login", data={"csrf": form_csrf(page.text), "name": "li", "password": PASSWORD,
                                    "next": "https://evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/workspace"


def test_templates_download(client: TestClient) -> None:
    r = client.get("/workspace/templates/long.csv")
    assert r.status_code == 200 and r.content.startswith("\ufeff地区,指标,年份,数值".encode())


def test_workspace_pages_show_hostile_strings_as_text(hostile_client: TestClient, hostile: dict) -> None:
    """The hostile dataset (markup and template syntax in its name, source and file name, and in region names) on
    every workspace page and in the draft banner: escaped, never run or evaluated."""
    accounts = hostile_client.app.state.accounts  # type: ignore[attr-defined]
    accounts.hasher = FAST
    if accounts.user("li") is None:
        accounts.add_user("li", "admin", PASSWORD)
    csrf = signed_in(hostile_client, "li")
    for payload in (*hostile["xss"], *hostile["template"][:2]):  # a token's label is typed by its user
        made = hostile_client.post("/workspace/account/tokens", data={"csrf": csrf, "label": payload})
        assert made.status_code == 200 and not any(p in made.text for p in hostile["xss"])
    dataset_id = hostile_client.get("/api/datasets").json()[-1]["id"]
    for url in ("/workspace", f"/workspace/datasets/{dataset_id}", "/workspace/audit", "/workspace/account",
                "/workspace/users",
                f"/map?level=county&indicator=population&year={hostile['year']}&draft={dataset_id}"):
        html = hostile_client.get(url).text
        for payload in hostile["xss"]:
            assert payload not in html, (url, payload)
        assert not any(e in html for e in hostile["evaluated"]), url
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_client.get("/workspace").text


def test_the_api_takes_a_session_only_with_its_csrf_header(client: TestClient) -> None:
    csrf = signed_in(client, "wang")
    files = {"file": ("t.csv", GOOD)}
    r = client.post("/api/datasets", files=files, data={"source": "会话上传（测试）"})
    assert r.status_code == 401  # a cookie alone is what a forged cross-site post would carry
    r = client.post("/api/datasets", files=files, data={"source": "会话上传（测试）"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["state"] == "draft"
    assert client.get(f"/api/datasets/{r.json()['dataset_id']}").json()["uploader"] == "wang"


def test_password_checks_wait_their_turn(client: TestClient) -> None:
    # each check holds ~64 MB for ~0.2 s: a burst on the public /login must not run them all at once
    from server.limits import RenderGate

    gate = client.app.state.password_gate  # type: ignore[attr-defined]
    client.app.state.password_gate = RenderGate(slots=0, queue=0, pixels=0)  # type: ignore[attr-defined]
    r = sign_in(client, "li")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"  # type: ignore[attr-defined]
    assert "The server is busy" in r.text and "private" in r.headers["cache-control"]  # type: ignore[attr-defined]
    assert client.app.state.accounts.audit(action="signin_failed") == []  # type: ignore[attr-defined]
    client.app.state.password_gate = gate  # type: ignore[attr-defined]
    assert sign_in(client, "li").status_code == 303  # type: ignore[attr-defined]


def test_dataset_page_maps_the_changes(client: TestClient) -> None:
    """The two counties the draft changes are filled as changed, with their old and new values in the hover title;
    nothing else is filled."""
    draft = commit_draft(client, signed_in(client, "li"))
    page = client.get(f"/workspace/datasets/{draft}").text
    svg = page.split('<svg class="change-map"')[1].split("</svg>")[0]
    filled = re.findall(r'<path class="changed" d="[^"]+" fill="(#\w+)" data-adcode="(\d+)"><title>([^<]+)</title>',
                        svg)
    assert sorted((a, f) for f, a, _ in filled) == [("620102", "#e08214"), ("620103", "#e08214")]
    tips = {a: tip for _, a, tip in filled}
    assert "城关区" in tips["620102"] and "→ 4,321" in tips["620102"] and "%" in tips["620102"]
    assert re.search(r'data-key="changed">.*?：2 个地区', page, re.S) and 'data-key="added"' not in page
