from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kataven_hub.core.schemas import Bounded, RequestModel, ResponseModel, Timestamp


class AccountRead(ResponseModel):
    account: str = Field(validation_alias="slug")
    name: str
    created_at: Timestamp


class AccountList(ResponseModel):
    accounts: list[AccountRead]


class AccountValidation(ResponseModel):
    account: str
    valid: bool
    exists: bool


class LoginRequest(RequestModel):
    email: Annotated[str, Bounded(320, min_length=1)]
    password: Annotated[str, Bounded(1000, min_length=1)]


class MembershipRead(ResponseModel):
    account: str
    name: str
    role: str


class LoginResponse(ResponseModel):
    token: str
    token_type: str = "Bearer"
    expires_at: Timestamp
    accounts: list[MembershipRead]


class UserRead(ResponseModel):
    id: str
    email: str
    name: str


class UserOrg(ResponseModel):
    user: UserRead
    accounts: list[MembershipRead]
