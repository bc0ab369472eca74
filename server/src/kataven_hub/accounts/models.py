"""Control-database tables: accounts (with their database placement), users, memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, utcnow


class Account(ControlBase):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Placement map: the database this account lives in (on the configured cluster).
    database_name: Mapped[str] = mapped_column(String(63), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(ControlBase):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # scrypt hash for the built-in issuer; NULL for users who only sign in through OIDC.
    password_hash: Mapped[str | None] = mapped_column(String(300), default=None)
    # "<issuer>|<sub>" of an external OIDC identity, bound on first sign-in by e-mail.
    oidc_subject: Mapped[str | None] = mapped_column(String(500), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(ControlBase):
    __tablename__ = "memberships"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # owner | admin | member
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
