"""Logging in (OAuth2 password form), who am I, logging out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel

from lendtag.api.deps import Ctx, authorized, get_core
from lendtag.api.errors import request_id
from lendtag.store import audit

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str
    expires_in: int


@router.post("/token", name="auth.token", response_model=TokenOut, summary="Log in")
def token(
    request: Request,
    username: Annotated[str, Form(max_length=256)],
    password: Annotated[str, Form(max_length=1024)],
) -> Any:
    """Exchange a username and password for a bearer token (OAuth2 password flow).

    Every failure (unknown user, wrong password, locked or disabled account) gets the same
    401 answer; repeated wrong passwords lock the account for a while.
    """
    core = get_core(request)
    with audit.acting_as(audit.Actor("anonymous", None, request_id(request))):
        return core.login(username, password)


@router.get("/me", name="auth.me", summary="The caller")
def me(ctx: Ctx = Depends(authorized)) -> Any:
    return ctx.principal.as_dict()


@router.post("/logout", name="auth.logout", status_code=204, summary="End this token")
def logout(ctx: Ctx = Depends(authorized)) -> None:
    with ctx.acting():
        ctx.core.logout(ctx.principal)
