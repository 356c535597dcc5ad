"""Who may do what: every writing route and the audit against each role, by token (the role matrix)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

CSV = "地区,指标,年份,数值\n城关区,专利授权量,2023,4321\n".encode()
ROLES = ("uploader", "publisher", "admin")


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(database=tmp_path_factory.mktemp("roles") / "app.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        accounts = c.app.state.accounts  # type: ignore[attr-defined]
        accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        tokens = {"bootstrap": "test-token"}
        for role in ROLES:
            accounts.add_user(f"{role}-user", role, "a long enough password")
            tokens[role] = accounts.create_token(f"{role}-user")[1]
        accounts.add_user("gone", "admin", "a long enough password")
        tokens["disabled"] = accounts.create_token("gone")[1]
        accounts.set_disabled("gone")
        tokens["none"] = ""
        yield c, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def upload(c: TestClient, token: str, **fields: str) -> object:
    return c.post("/api/datasets", files={"file": ("t.csv", CSV)}, data={"source": "角色测试"} | fields,
                  headers=bearer(token))


# caller -> (draft upload, publish=true upload, publish, retract, audit)
MATRIX = {
    "none": (401, 401, 401, 401, 401),
    "disabled": (401, 401, 401, 401, 401),
    "uploader": (200, 403, 403, 403, 403),
    "publisher": (200, 200, 200, 200, 403),
    "admin": (200, 200, 200, 200, 200),
    "bootstrap": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_matrix(app_tokens: tuple[TestClient, dict[str, str]], who: str) -> None:
    c, tokens = app_tokens
    token, expected = tokens[who], MATRIX[who]
    draft = upload(c, tokens["admin"]).json()["dataset_id"]  # type: ignore[attr-defined]
    r = upload(c, token)
    got = [r.status_code]  # type: ignore[attr-defined]
    if r.status_code == 200:  # type: ignore[attr-defined]
        body = r.json()  # type: ignore[attr-defined]
        assert body["state"] == "draft" and body["version"] is None and body["preview"] == \
            f"/map?draft={body['dataset_id']}"
        meta = c.get(f"/api/datasets/{body['dataset_id']}", headers=bearer(token)).json()
        assert meta["uploader"] == {"bootstrap": "IPMAP_TOKEN"}.get(who, f"{who}-user")
    got.append(upload(c, token, publish="true").status_code)  # type: ignore[attr-defined]
    got.append(c.post(f"/api/datasets/{draft}/publish", headers=bearer(token)).status_code)
    if got[-1] != 200:
        c.post(f"/api/datasets/{draft}/publish", headers=bearer(tokens["admin"]))
    got.append(c.post(f"/api/datasets/{draft}/retract", headers=bearer(token)).status_code)
    got.append(c.get("/api/audit", headers=bearer(token)).status_code)
    assert tuple(got) == expected


def test_publish_and_retract_move_the_version_and_are_audited(app_tokens: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = app_tokens
    before = c.get("/healthz").json()["data_version"]
    draft = upload(c, tokens["uploader"]).json()["dataset_id"]  # type: ignore[attr-defined]
    assert c.get("/healthz").json()["data_version"] == before
    assert draft not in [d["id"] for d in c.get("/api/datasets").json()]  # drafts are not listed publicly
    assert c.get(f"/api/datasets/{draft}").status_code == 404
    r = c.post(f"/api/datasets/{draft}/publish", headers=bearer(tokens["publisher"]))
    assert r.json() == {"dataset_id": draft, "state": "published", "version": before + 1}
    assert c.post(f"/api/datasets/{draft}/publish", headers=bearer(tokens["publisher"])).status_code == 409
    assert draft in [d["id"] for d in c.get("/api/datasets").json()]
    r = c.post(f"/api/datasets/{draft}/retract", headers=bearer(tokens["publisher"]))
    assert r.json()["version"] == before + 2 and r.json()["state"] == "retracted"
    assert c.post("/api/datasets/99999/publish", headers=bearer(tokens["publisher"])).status_code == 404
    audit = c.get("/api/audit", headers=bearer(tokens["admin"]))
    assert audit.headers["cache-control"] == "private, no-store"
    lines = [(a["actor"], a["action"], a["subject"]) for a in audit.json()[:3]]
    subject = f"dataset {draft}"
    assert lines == [("publisher-user", "retract", subject), ("publisher-user", "publish", subject),
                     ("uploader-user", "upload", subject)]
    assert all(a["at"] and a["ip"] == "testclient" for a in audit.json()[:3])


# signed in as -> (own account page, create own token, users page, add a user, change a role, disable a user)
PAGE_MATRIX = {
    "none": (303, 303, 303, 303, 303, 303),
    "uploader": (200, 200, 403, 403, 403, 403),
    "publisher": (200, 200, 403, 403, 403, 403),
    "admin": (200, 200, 200, 303, 303, 303),
}


@pytest.mark.parametrize("who", list(PAGE_MATRIX))
def test_account_pages_role_matrix(app_tokens: tuple[TestClient, dict[str, str]], who: str) -> None:
    """The account and users pages by session: anyone signed in manages their own password and tokens; only an
    admin manages users; without a session every one of them sends to /login (a token is not a session)."""
    from tests.server.test_workspace import form_csrf, sign_in

    c, tokens = app_tokens
    c = TestClient(c.app)
    csrf = "none"
    if who != "none":
        assert sign_in(c, f"{who}-user").status_code == 303  # type: ignore[attr-defined]
        csrf = form_csrf(c.get("/workspace/account").text)
    target = f"matrix-{who}"
    c.app.state.accounts.add_user(target, "uploader", "a long enough password")  # type: ignore[attr-defined]
    h = bearer(tokens["admin"]) if who == "none" else {}  # an admin's token does not open the pages

    def post(url: str, **data: str) -> int:
        return c.post(url, data={"csrf": csrf} | data, headers=h, follow_redirects=False).status_code

    got = (c.get("/workspace/account", headers=h, follow_redirects=False).status_code,
           post("/workspace/account/tokens", label="m"),
           c.get("/workspace/users", headers=h, follow_redirects=False).status_code,
           post("/workspace/users/add", name=f"new-{who}", role="admin", new="x" * 12, new2="x" * 12),
           post("/workspace/users/role", name=target, role="admin"),
           post("/workspace/users/disable", name=target))
    assert got == PAGE_MATRIX[who]
    user = c.app.state.accounts.user(target)  # type: ignore[attr-defined]
    assert (user.role, user.disabled) == (("admin", True) if who == "admin" else ("uploader", False))


PLAN = ("plan_id,name_zh,name_en,start_year,end_year,indicator,kind,year,comparator,value,unit,section,sentence\n"
        "role-plan,角色测试规划,Role plan,2026,2030,invention_patents_per_10k,target,2030,>=,9,件/万人,二,达到9件\n"
        ).encode()
# caller -> (plan draft upload, plan upload with publish=true)
PLAN_MATRIX = {
    "none": (401, 401),
    "disabled": (401, 401),
    "uploader": (200, 403),
    "publisher": (200, 200),
    "admin": (200, 200),
    "bootstrap": (200, 200),
}


@pytest.mark.parametrize("who", list(PLAN_MATRIX))
def test_plan_role_matrix(app_tokens: tuple[TestClient, dict[str, str]], who: str) -> None:
    c, tokens = app_tokens
    got = tuple(c.post(f"/api/plans{query}", files={"file": ("plan.csv", PLAN)}, headers=bearer(tokens[who]))
                .status_code for query in ("", "?publish=true"))
    assert got == PLAN_MATRIX[who]
