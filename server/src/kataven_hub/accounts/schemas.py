from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import RequestModel, ResponseModel, Text, Timestamp


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
    email: Text(320, 1)  # type: ignore[valid-type]
    password: Text(1000, 1)  # type: ignore[valid-type]


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
