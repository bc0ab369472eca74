from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import rowcount
from kataven_hub.widget.visitor.models import WidgetRefreshToken, WidgetTokenRedemption


class VisitorRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def add_refresh(self, row: WidgetRefreshToken) -> WidgetRefreshToken:
        self.session.add(row)
        await self.session.flush()
        return row

    async def refresh_by_digest(self, digest: str) -> WidgetRefreshToken | None:
        stmt = select(WidgetRefreshToken).where(WidgetRefreshToken.digest == digest)
        return await self.session.scalar(stmt)

    async def claim(self, row_id: str, now: datetime) -> bool:
        """Mark a refresh token used, unless another request already did (atomic)."""
        claimed = await rowcount(
            self.session,
            update(WidgetRefreshToken)
            .where(
                WidgetRefreshToken.id == row_id,
                WidgetRefreshToken.used_at.is_(None),
                WidgetRefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False),
        )
        return claimed == 1

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        await self.session.execute(
            update(WidgetRefreshToken)
            .where(
                WidgetRefreshToken.family_id == family_id, WidgetRefreshToken.revoked_at.is_(None)
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )

    async def redeem(self, jti: str, expires_at: datetime) -> bool:
        """Record a user_token as exchanged; False when it already was."""
        if await self.session.get(WidgetTokenRedemption, jti) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(WidgetTokenRedemption(jti=jti, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    async def purge_expired(self, now: datetime) -> None:
        """Drop refresh tokens and redemptions past their lifetime (index range delete)."""
        await self.session.execute(
            delete(WidgetRefreshToken)
            .where(WidgetRefreshToken.expires_at < now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(WidgetTokenRedemption)
            .where(WidgetTokenRedemption.expires_at < now)
            .execution_options(synchronize_session=False)
        )
