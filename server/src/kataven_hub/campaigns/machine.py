"""The campaign and contact state machines as pure functions: no session, no clock, no I/O.

The service (API lifecycle), `progress.py` and `dialer.py` (the dispatcher) ask these what a
status becomes; the repository writes it, guarded on the source statuses named here so that a
move decided on a stale read changes nothing.

Campaign (DECISIONS): draft → running, or → scheduled when `scheduled_at` is in the future
(`start`); paused → running (`start`, `resume`); scheduled → running when due (`begin`, the
dispatcher); running → paused (`pause`); running → completed when nothing is left to dial
(`complete`); running → failed when its number or agent became unusable (`fail`); draft,
scheduled, running or paused → completed (`stop`). Completed and failed are terminal.

Contact: pending → originated (`claim`); originated → connected (`answer`); in flight →
completed, pending (a retry), cancelled or failed (`land`, see `landed`); originated → pending
or cancelled when the carrier never saw the attempt (`give_back`, see `given_back`); originated
→ skipped when the number was listed meanwhile (`skip_listed`); pending → cancelled when the
campaign is stopped or fails (`cancel`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from kataven_hub.campaigns import windows
from kataven_hub.campaigns.models import (
    CANCELLED,
    COMPLETED,
    CONNECTED,
    DRAFT,
    FAILED,
    IN_FLIGHT,
    ORIGINATED,
    PAUSED,
    PENDING,
    RUNNING,
    SCHEDULED,
    SKIPPED,
)

# -- campaigns ---------------------------------------------------------------------------------
CampaignAction = Literal["start", "pause", "resume", "stop", "begin", "complete", "fail"]

# action → (the statuses it applies to, in the order messages name them; the status it leads to)
CAMPAIGN_MOVES: dict[CampaignAction, tuple[tuple[str, ...], str]] = {
    "start": ((DRAFT, PAUSED), RUNNING),  # or SCHEDULED: see campaign_target
    "pause": ((RUNNING,), PAUSED),
    "resume": ((PAUSED,), RUNNING),
    "stop": ((DRAFT, SCHEDULED, RUNNING, PAUSED), COMPLETED),
    "begin": ((SCHEDULED,), RUNNING),
    "complete": ((RUNNING,), COMPLETED),
    "fail": ((RUNNING,), FAILED),
}
# A campaign that still needs a dispatcher (its contacts may yet be dialled).
LIVE = (RUNNING, PAUSED, SCHEDULED)
EDITABLE = (DRAFT, SCHEDULED, PAUSED)  # PATCH
TAKES_CONTACTS = (DRAFT, PAUSED)  # more contacts from a CSV
UNDELETABLE = (RUNNING, SCHEDULED)
USES_AGENT = (SCHEDULED, RUNNING, PAUSED)  # the agent cannot be deleted


class IllegalMove(Exception):
    """The action does not apply to the campaign's status (the service answers 409)."""

    def __init__(self, action: CampaignAction, status: str) -> None:
        super().__init__(f"{action} does not apply to a {status} campaign")
        self.action = action
        self.status = status
        self.allowed = CAMPAIGN_MOVES[action][0]


def campaign_target(
    action: CampaignAction, status: str, *, scheduled_at: datetime | None = None,
    now: datetime | None = None,
) -> str:  # fmt: skip
    """The status `action` moves a `status` campaign to; IllegalMove when it does not apply.
    `start` of a draft whose `scheduled_at` is after `now` schedules it instead."""
    sources, target = CAMPAIGN_MOVES[action]
    if status not in sources:
        raise IllegalMove(action, status)
    if action == "start" and status == DRAFT and scheduled_at is not None:
        assert now is not None, "start needs now to compare scheduled_at with"
        if scheduled_at > now:
            return SCHEDULED
    return target


def may(action: CampaignAction, status: str) -> bool:
    """Whether `action` applies to a `status` campaign."""
    return status in CAMPAIGN_MOVES[action][0]


def is_live(status: str | None) -> bool:
    return status in LIVE


def is_editable(status: str) -> bool:
    return status in EDITABLE


def takes_contacts(status: str) -> bool:
    return status in TAKES_CONTACTS


def is_deletable(status: str) -> bool:
    return status not in UNDELETABLE


@dataclass(frozen=True)
class Idle:
    """What a dispatcher step does with a campaign it dialled nothing more for."""

    complete: bool = False  # nothing pending nor in flight: running → completed
    drained: bool = False  # nothing will happen any more: its index row can go
    until: datetime | None = None  # nothing to do before this (release the lease)


_PAUSED_RECHECK = timedelta(seconds=30)


def idle(status: str, in_flight: int, now: datetime) -> Idle:
    """A step of a campaign that is not running (or has nothing to claim): terminal and
    quiet → drained; paused and quiet → look again in 30 s; a draft → drained (a stale row)."""
    if status in (COMPLETED, FAILED):
        return Idle(drained=in_flight == 0)
    if status == PAUSED:
        return Idle(until=now + _PAUSED_RECHECK if in_flight == 0 else None)
    if status in (RUNNING, SCHEDULED):
        return Idle()
    return Idle(drained=True)


def lines_free(capacity: int, max_concurrent_calls: int, in_flight: int) -> int:
    """How many contacts a step may claim (≤ 0: none)."""
    return min(capacity, max_concurrent_calls - in_flight)


def must_look_ahead(free: int, claimed: int, in_flight: int) -> bool:
    """A running step that claimed fewer than it could (or has no line and nothing in flight)
    asks whether anything is left to dial, and when."""
    return claimed < max(free, 0) or (free <= 0 and in_flight == 0)


def running_idle(
    pending: bool, earliest: datetime | None, in_flight: int, claimed: int, now: datetime
) -> Idle:
    """A running campaign after its claim, given whether contacts are pending and the earliest
    time one may be dialled."""
    if in_flight or claimed:
        return Idle()
    if not pending:
        return Idle(complete=True)
    if earliest is not None and earliest > now:
        return Idle(until=earliest)
    return Idle()


# -- contacts ----------------------------------------------------------------------------------
ContactAction = Literal["claim", "answer", "land", "give_back", "skip_listed", "cancel"]

# action → (the statuses it applies to, the statuses it may lead to)
CONTACT_MOVES: dict[ContactAction, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "claim": ((PENDING,), (ORIGINATED,)),
    "answer": ((ORIGINATED,), (CONNECTED,)),
    "land": (IN_FLIGHT, (COMPLETED, PENDING, CANCELLED, FAILED)),
    "give_back": ((ORIGINATED,), (PENDING, CANCELLED)),
    "skip_listed": ((ORIGINATED,), (SKIPPED,)),
    "cancel": ((PENDING,), (CANCELLED,)),
}


def contact_may(action: ContactAction, status: str) -> bool:
    return status in CONTACT_MOVES[action][0]


def sources(action: ContactAction) -> tuple[str, ...]:
    """The statuses a contact must be in for `action` (the repository's guard)."""
    return CONTACT_MOVES[action][0]


@dataclass(frozen=True)
class ContactMove:
    status: str
    values: dict[str, Any] = field(default_factory=dict)  # the other columns to write


def retry_kind(call_status: str) -> str:
    """The retry_on outcome a call's end counts as: busy, no_answer, or failed (the rest)."""
    return call_status if call_status in ("busy", "no_answer") else "failed"


def retries(
    call_status: str, attempts: int, retries_per_contact: int, retry_on: Collection[str] | None,
    *, final: bool = False,
) -> bool:  # fmt: skip
    """Whether an attempt with this outcome is tried again: not an attempt in doubt (`final`),
    attempts left, and the outcome among the campaign's `retry_on`."""
    return (
        not final
        and attempts <= retries_per_contact
        and retry_kind(call_status) in (retry_on or ())
    )


def landed(
    campaign: Any, call_status: str, attempts: int, contact_zone: str | None, now: datetime,
    *, reason: str | None = None, final: bool = False,
) -> ContactMove:  # fmt: skip
    """Where a finished attempt leaves its contact: completed; pending again (a retry after
    `retry_delay_seconds`, moved to the next opening of its calling window) while the campaign
    is live; cancelled (`stopped`) when it would be retried but the campaign has ended; else
    failed (`reason`, or the call's status). `campaign` is read, never written."""
    if call_status == COMPLETED:
        return ContactMove(COMPLETED, {"completed_at": now})
    retry = retries(
        call_status, attempts, campaign.retries_per_contact, campaign.retry_on, final=final
    )
    if retry and is_live(campaign.status):
        due = now + timedelta(seconds=campaign.retry_delay_seconds)
        return ContactMove(
            PENDING, {"next_attempt_at": windows.next_opening(campaign, contact_zone, due)}
        )
    if retry:
        return ContactMove(CANCELLED, {"completed_at": now, "failure_reason": "stopped"})
    return ContactMove(FAILED, {"completed_at": now, "failure_reason": reason or call_status})


def given_back(campaign_status: str | None, retry_at: datetime, now: datetime) -> ContactMove:
    """An attempt the carrier never saw: pending again at `retry_at` while the campaign is
    live, else cancelled (`stopped`: it was stopped, failed or deleted meanwhile)."""
    if is_live(campaign_status):
        return ContactMove(PENDING, {"next_attempt_at": retry_at})
    return ContactMove(CANCELLED, {"completed_at": now, "failure_reason": "stopped"})
