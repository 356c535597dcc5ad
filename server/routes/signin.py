"""Sign in and out: a form with its own CSRF nonce, a lockout after repeated failures, a signed session cookie."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from layers.store.accounts import Principal, User
from server import auth
from server.limits import RendersBusyError
from server.templating import render_private

router = APIRouter(include_in_schema=False)
NextQ = Annotated[str, Query(max_length=500, description="Where to go after signing in (a path on this site)")]


def safe_next(target: str) -> str:
    """A path on this site to return to; anything else (another host, //evil, a scheme) goes to the workspace."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return "/workspace"


def login_page(request: Request, target: str, error: str = "", status: int = 200, name: str = "") -> Response:
    """The sign-in form, with a fresh CSRF nonce in its cookie and its hidden field."""
    nonce, signed = auth.login_nonce(request)
    response = render_private(request, "login.html", {"next": safe_next(target), "error": error, "name": name,
                                                      "csrf": signed}, status)
    auth.set_cookie(request, response, auth.LOGIN_COOKIE, nonce, auth.LOGIN_NONCE_SECONDS)
    return response


@router.get("/login")
def login_form(request: Request, next: NextQ = "/workspace") -> Response:  # noqa: A002 - the query's name
    """The sign-in page (already signed in: straight on)."""
    if auth.session(request):
        return RedirectResponse(safe_next(next), 303, headers=auth.NO_STORE)
    return login_page(request, next)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the form's nonce, the lockout, then the password; a success starts a session and goes on."""
    form = await request.form(max_files=0, max_fields=8)
    auth.check_login_nonce(request, form)
    name, password = str(form.get("name", ""))[:200].strip(), str(form.get("password", ""))[:1000]
    target = str(form.get("next", "/workspace"))
    settings, accounts, ip = request.app.state.settings, auth.accounts(request), auth.client_ip(request)
    by_name, by_ip, oldest = await run_in_threadpool(accounts.recent_failures, name, ip, settings.login_lock_minutes)
    if by_name >= settings.login_max_failures or by_ip >= settings.login_max_failures_per_ip:
        until = ""
        if oldest and by_name >= settings.login_max_failures:
            at = datetime.fromisoformat(oldest.replace("Z", "+00:00")) + timedelta(minutes=settings.login_lock_minutes)
            until = f"（{at:%H:%M} UTC 后 · after {at:%H:%M} UTC）"
        await run_in_threadpool(accounts.record_lockout, name, ip, settings.login_lock_minutes)
        return login_page(request, target, f"登录失败次数过多，请稍后再试{until}。Too many failed sign-ins: try again "
                                           "later.", 429, name)
    def verify() -> User | None:
        with request.app.state.password_gate():
            return accounts.verify(name, password)

    try:
        user = await run_in_threadpool(verify)
    except RendersBusyError as busy:
        refused = login_page(request, target, "服务器繁忙，请稍后再试。The server is busy: try again in a few seconds.",
                             503, name)
        refused.headers["Retry-After"] = str(busy.retry_after)
        return refused
    if user is None:
        await run_in_threadpool(accounts.record, "?", "signin_failed", name, "wrong name or password", ip)
        return login_page(request, target, "用户名或密码错误。Wrong name or password.", 401, name)
    await run_in_threadpool(accounts.record, user.name, "signin", user.name, "", ip)
    response = RedirectResponse(safe_next(target), 303, headers=auth.NO_STORE)
    await run_in_threadpool(auth.start_session, request, response, Principal(user.name, user.role, user.id))
    response.delete_cookie(auth.LOGIN_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=auth.is_secure(request))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session everywhere (it is deleted from the store) and clear the cookie; needs the CSRF token."""
    signed_in = await run_in_threadpool(auth.session, request)
    if signed_in is None:
        raise HTTPException(303, "not signed in", headers={"Location": "/", **auth.NO_STORE})
    form = await request.form(max_files=0, max_fields=4)
    auth.check_csrf(request, form, signed_in[1])
    session_id = auth.session_id(request)
    if session_id:
        await run_in_threadpool(auth.accounts(request).end_session, session_id)
    await run_in_threadpool(auth.accounts(request).record, signed_in[0].name, "signout", signed_in[0].name, "",
                            auth.client_ip(request))
    response = RedirectResponse("/", 303, headers=auth.NO_STORE)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=auth.is_secure(request))
    return response
