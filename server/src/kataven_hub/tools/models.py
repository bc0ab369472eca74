"""Tenant table: tools (built-in, custom, and those an installed integration brings)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import JSONType, TenantBase, utcnow


class Tool(TenantBase):
    __tablename__ = "tools"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The JSON Schema of the arguments; served as `schema`.
    args_schema: Mapped[dict[str, Any]] = mapped_column()
    implementation_type: Mapped[str] = mapped_column(String(20))
    implementation_config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    implementation_code: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    modified_from_default: Mapped[bool] = mapped_column(Boolean, default=False)
    default_version: Mapped[str | None] = mapped_column(String(40), default=None)
    # The integration (`intg_…`) that brought this tool, if any: it goes away on uninstall.
    integration_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
