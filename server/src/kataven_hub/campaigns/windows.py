"""Calling windows: when a contact may be dialled, in the recipient's local time.

A campaign's `calling_window` is `{start: "09:00", end: "20:00", days: ["mon", …], timezone}`,
with `timezone` either `"recipient"` (each contact's zone, from its number at ingest; a number
spanning several zones takes the campaign's `default_timezone`) or one IANA zone for every
contact. A contact is dialled only while its local wall-clock time is in [start, end) on one of
the days (the day is the local one); no dial starts in the last
`CAMPAIGN_WINDOW_CLOSE_MARGIN_SECONDS` of a window, so a dial decided just before the close
cannot reach the carrier after it. Everything is computed from instants with `zoneinfo`, so
daylight-saving changes move the openings in UTC as they do on the recipient's clock (an
opening inside a skipped hour comes at the first instant whose local time is past it).

The dispatcher checks windows per zone, not per contact: `open_zones` says which of the
campaign's zones may be dialled now (the claim filters on them), `next_opening` when a zone's
window opens next (retries and the dispatcher's sleep use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from kataven_hub.core.settings import get_settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RECIPIENT = "recipient"
_FAR = datetime(9999, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _seconds(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


@dataclass(frozen=True)
class Window:
    start: int  # seconds after local midnight
    end: int  # 86400 for "24:00"
    days: frozenset[int]  # 0 = Monday
    timezone: str  # RECIPIENT or an IANA zone

    @classmethod
    def of(cls, data: dict[str, Any]) -> Window:
        return cls(
            _seconds(data["start"]), _seconds(data["end"]),
            frozenset(DAYS.index(d) for d in data["days"]), data["timezone"],
        )  # fmt: skip

    def zone_name(self, contact_zone: str | None, default_zone: str) -> str:
        if self.timezone != RECIPIENT:
            return self.timezone
        return contact_zone or default_zone

    def is_open(self, at: datetime, tz: ZoneInfo) -> bool:
        local = at.astimezone(tz)
        if local.weekday() not in self.days:
            return False
        second = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return self.start <= second < self.end - _margin()

    def next_opening(self, at: datetime, tz: ZoneInfo) -> datetime:
        """`at` itself when the window is open then, else the next instant it opens."""
        if self.is_open(at, tz):
            return at
        today = at.astimezone(tz).date()
        start = time(self.start // 3600, self.start % 3600 // 60)
        for offset in range(9):
            day = today + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            # Both readings of an ambiguous local time (fold), the earliest that is open.
            candidates = [
                datetime.combine(day, start, tzinfo=tz).replace(fold=fold).astimezone(UTC)
                for fold in (0, 1)
            ]
            found = [c for c in candidates if c > at and self.is_open(c, tz)]
            if found:
                return min(found)
        return _FAR  # unreachable for a valid window (validated to be longer than the margin)


def _margin() -> float:
    return get_settings().CAMPAIGN_WINDOW_CLOSE_MARGIN_SECONDS


def of_campaign(campaign: Any) -> Window | None:
    data = campaign.calling_window
    return Window.of(data) if data else None


def open_zones(campaign: Any, now: datetime) -> list[str | None] | None:
    """None: every contact may be dialled now. Else the contact time zones whose window is
    open (None standing for contacts without a zone of their own, in the default zone)."""
    window = of_campaign(campaign)
    if window is None:
        return None
    default = campaign.default_timezone
    if window.timezone != RECIPIENT:
        return None if window.is_open(now, zone(window.timezone)) else []
    return [z for z in [None, *campaign.timezones] if window.is_open(now, zone(z or default))]


def next_opening(campaign: Any, contact_zone: str | None, at: datetime) -> datetime:
    """The first instant at or after `at` when the contact may be dialled."""
    window = of_campaign(campaign)
    if window is None:
        return at
    return window.next_opening(at, zone(window.zone_name(contact_zone, campaign.default_timezone)))


def dial_info(campaign: Any) -> dict[str, Any]:
    """What a dial needs to check the window once more right before the carrier is asked."""
    return {
        "calling_window": campaign.calling_window,
        "default_timezone": campaign.default_timezone,
    }


def closed_until(info: dict[str, Any], contact_zone: str | None, now: datetime) -> datetime | None:
    """None when the contact may be dialled now, else when its window opens next."""
    data = info.get("calling_window")
    if not data:
        return None
    window = Window.of(data)
    tz = zone(window.zone_name(contact_zone, info.get("default_timezone") or "UTC"))
    return None if window.is_open(now, tz) else window.next_opening(now, tz)
