"""Accounts in the browser: a user's own password and API tokens; an admin's list of users with add, role, password
reset, disable and enable. The same store calls and audit lines as `ipmap user` and `ipmap token`; every form
carries the session's CSRF token and every page is private, no-store."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from layers.core.errors import AccountError
from layers.store.accounts import MIN_PASSWORD, ROLES, Principal
from server import auth
from server.limits import RendersBusyError
from server.templating import render_private

router = APIRouter(include_in_schema=False)
ROLE_ZH = {"uploader": "上传员", "publisher": "发布员", "admin": "管理员"}
DONE = {"password": "密码已更改，其他会话已退出。Password changed; your other sessions are signed out.",
        "revoked": "令牌已撤销。Token revoked."}
DoneQ = Annotated[Literal["password", "revoked"] | None, Query(description="What the last form did (a message)")]


def context(who: Principal, csrf: str, **extra: object) -> dict[str, object]:
    """What every workspace page shows: who is signed in, the role's name and the CSRF token for its forms."""
    return {"user": who, "csrf": csrf, "role_zh": ROLE_ZH.get(who.role, who.role), "lang": "zh",
            "roles": [(r, ROLE_ZH[r]) for r in ROLES], "min_password": MIN_PASSWORD} | extra


async def posted(request: Request, role: str = "uploader") -> tuple[Principal, str, FormData]:
    """The signed-in poster (of at least `role`), its CSRF token and the form, whose own token was checked."""
    who, csrf = await run_in_threadpool(auth.page_user, request, role)
    form = await request.form(max_files=0, max_fields=8)
    auth.check_csrf(request, form, csrf)
    return who, csrf, form


def field(form: FormData, name: str, most: int = 1000) -> str:
    """One text field of a form, cut to `most` characters."""
    value = form.get(name, "")
    return value[:most] if isinstance(value, str) else ""


def new_password(form: FormData) -> str:
    """The new password typed twice the same (an AccountError when not, or too short)."""
    password = field(form, "new")
    if password != field(form, "new2"):
        raise AccountError("两次输入的新密码不一致 · the two new passwords differ")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"新密码至少 {MIN_PASSWORD} 个字符 · a password needs at least {MIN_PASSWORD} characters")
    return password


def record(request: Request, who: Principal, action: str, subject: str, detail: str) -> None:
    """One audit line for a change made in the workspace: who, what, on what, from where."""
    auth.accounts(request).record(who.name, action, subject, f"{detail} (workspace)".strip(), auth.client_ip(request))


# --- one's own account


def account_page(request: Request, who: Principal, csrf: str, status: int = 200, **extra: object) -> Response:
    """The user's own page: password form, their tokens and the form for a new one."""
    tokens = auth.accounts(request).tokens(who.name)
    return render_private(request, "workspace_account.html", context(who, csrf, tokens=tokens, **extra), status)


@router.get("/workspace/account")
def account(request: Request, done: DoneQ = None) -> Response:
    """Change one's password; create, list and revoke one's own API tokens."""
    who, csrf = auth.page_user(request)
    return account_page(request, who, csrf, message=DONE.get(done or "", ""))


@router.post("/workspace/account/password")
async def change_password(request: Request) -> Response:
    """The current password, then the new one twice; the user's sessions end and this browser gets a new one."""
    who, csrf, form = await posted(request)
    accounts = auth.accounts(request)

    def change() -> None:
        password = new_password(form)
        with request.app.state.password_gate():
            if accounts.verify(who.name, field(form, "current")) is None:
                raise AccountError("当前密码不对 · the current password is wrong")
            accounts.set_password(who.name, password)

    try:
        await run_in_threadpool(change)
    except AccountError as e:
        return await run_in_threadpool(account_page, request, who, csrf, 422, error=str(e))
    except RendersBusyError as busy:
        raise HTTPException(503, "busy: try again in a few seconds",
                            headers={"Retry-After": str(busy.retry_after), **auth.NO_STORE}) from busy
    await run_in_threadpool(record, request, who, "user_passwd", who.name, "own password")
    response = RedirectResponse("/workspace/account?done=password", 303, headers=auth.NO_STORE)
    await run_in_threadpool(auth.start_session, request, response, who)
    return response


@router.post("/workspace/account/tokens")
async def create_token(request: Request) -> Response:
    """A new named token for the user: shown on this page once, stored only as a hash."""
    who, csrf, form = await posted(request)
    label = field(form, "label", 200).strip()
    token_id, token = await run_in_threadpool(auth.accounts(request).create_token, who.name, label)
    await run_in_threadpool(record, request, who, "token_create", who.name, f"token {token_id} {label}")
    return await run_in_threadpool(account_page, request, who, csrf, new_token=token, new_token_id=token_id)


@router.post("/workspace/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    """Revoke one of the user's own tokens (another user's is a 404, as if it did not exist)."""
    who, _, _ = await posted(request)
    accounts = auth.accounts(request)
    own = [t for t in accounts.tokens(who.name) if t["id"] == token_id and t["revoked_at"] is None]
    if not own:
        raise HTTPException(404, f"no active token {token_id} of yours", headers=auth.NO_STORE)
    await run_in_threadpool(accounts.revoke_token, token_id)
    await run_in_threadpool(record, request, who, "token_revoke", f"token {token_id}", str(own[0]["label"]))
    return RedirectResponse("/workspace/account?done=revoked", 303, headers=auth.NO_STORE)


# --- users (admins)


def users_page(request: Request, who: Principal, csrf: str, status: int = 200, **extra: object) -> Response:
    """Every user with their role and state, and the forms that change them."""
    return render_private(request, "workspace_users.html",
                          context(who, csrf, users=auth.accounts(request).users(), **extra), status)


@router.get("/workspace/users")
def users(request: Request) -> Response:
    """The admin's list of users."""
    who, csrf = auth.page_user(request, "admin")
    return users_page(request, who, csrf)


@router.post("/workspace/users/{action}")
async def change_user(request: Request, action: Literal["add", "role", "password", "disable", "enable"]) -> Response:
    """Add a user, or change one's role, password or state (admins); an admin does not demote or disable
    themselves, so the workspace never loses its last way in by a slip."""
    who, csrf, form = await posted(request, "admin")
    accounts = auth.accounts(request)
    name, role = field(form, "name", 200).strip(), field(form, "role", 20)

    def change() -> str:
        if action != "add" and accounts.user(name) is None:
            raise AccountError(f"没有用户 {name} · no user {name!r}")
        if name == who.name and action in ("role", "disable"):
            raise AccountError("不能更改自己的角色或停用自己 · you cannot change your own role or disable yourself")
        if action == "add":
            password = new_password(form)
            with request.app.state.password_gate():
                accounts.add_user(name, role, password)
            return f"role {role}"
        if action == "role":
            accounts.set_role(name, role)
            return f"role {role}"
        if action == "password":
            password = new_password(form)
            with request.app.state.password_gate():
                accounts.set_password(name, password)
            return "password reset by an admin"
        accounts.set_disabled(name, action == "disable")
        return ""

    try:
        detail = await run_in_threadpool(change)
    except AccountError as e:
        return await run_in_threadpool(users_page, request, who, csrf, 422, error=str(e),
                                       form={"name": name, "role": role})
    except RendersBusyError as busy:
        raise HTTPException(503, "busy: try again in a few seconds",
                            headers={"Retry-After": str(busy.retry_after), **auth.NO_STORE}) from busy
    await run_in_threadpool(record, request, who, f"user_{'passwd' if action == 'password' else action}", name,
                            detail)
    response = RedirectResponse("/workspace/users", 303, headers=auth.NO_STORE)
    if action == "password" and name == who.name:  # their sessions ended with the change: this one goes on
        await run_in_threadpool(auth.start_session, request, response, who)
    return response
