"""The campaign and contact state machines (campaigns/machine.py): pure functions, no server.

Every (action, status) pair is tried: the legal ones give their target, every other one is
refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from kataven_hub.campaigns import machine
from kataven_hub.campaigns.models import (
    CANCELLED,
    COMPLETED,
    CONNECTED,
    CONTACT_STATUSES,
    DRAFT,
    FAILED,
    ORIGINATED,
    PAUSED,
    PENDING,
    RETRY_OUTCOMES,
    RUNNING,
    SCHEDULED,
    SKIPPED,
)
from kataven_hub.campaigns.schemas import CampaignStatus

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # a Monday
CAMPAIGN_STATUSES: tuple[str, ...] = get_args(CampaignStatus)

LEGAL_CAMPAIGN_MOVES = {
    ("start", DRAFT): RUNNING,
    ("start", PAUSED): RUNNING,
    ("pause", RUNNING): PAUSED,
    ("resume", PAUSED): RUNNING,
    ("stop", DRAFT): COMPLETED,
    ("stop", SCHEDULED): COMPLETED,
    ("stop", RUNNING): COMPLETED,
    ("stop", PAUSED): COMPLETED,
    ("begin", SCHEDULED): RUNNING,
    ("complete", RUNNING): COMPLETED,
    ("fail", RUNNING): FAILED,
}
ALL_CAMPAIGN_PAIRS = [
    (action, status) for action in get_args(machine.CampaignAction) for status in CAMPAIGN_STATUSES
]


class TestCampaignTarget:
    @pytest.mark.parametrize(("action", "status"), list(LEGAL_CAMPAIGN_MOVES))
    def test_legal(self, action: machine.CampaignAction, status: str) -> None:
        assert (
            machine.campaign_target(action, status, now=NOW)
            == LEGAL_CAMPAIGN_MOVES[(action, status)]
        )

    @pytest.mark.parametrize(
        ("action", "status"), [p for p in ALL_CAMPAIGN_PAIRS if p not in LEGAL_CAMPAIGN_MOVES]
    )
    def test_illegal(self, action: machine.CampaignAction, status: str) -> None:
        with pytest.raises(machine.IllegalMove) as raised:
            machine.campaign_target(action, status, now=NOW)
        assert raised.value.action == action
        assert raised.value.status == status
        assert status not in raised.value.allowed

    @pytest.mark.parametrize(("action", "status"), ALL_CAMPAIGN_PAIRS)
    def test_may(self, action: machine.CampaignAction, status: str) -> None:
        assert machine.may(action, status) == ((action, status) in LEGAL_CAMPAIGN_MOVES)

    def test_the_table_names_every_action(self) -> None:
        assert set(machine.CAMPAIGN_MOVES) == set(get_args(machine.CampaignAction))

    def test_terminal_statuses_never_move(self) -> None:
        for action in get_args(machine.CampaignAction):
            for status in (COMPLETED, FAILED):
                with pytest.raises(machine.IllegalMove):
                    machine.campaign_target(action, status, now=NOW)

    def test_start_of_a_draft_scheduled_later_schedules_it(self) -> None:
        later = NOW + timedelta(hours=1)
        assert machine.campaign_target("start", DRAFT, scheduled_at=later, now=NOW) == SCHEDULED

    @pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=-1)])
    def test_start_of_a_draft_scheduled_by_now_runs_it(self, offset: timedelta) -> None:
        at = NOW + offset
        assert machine.campaign_target("start", DRAFT, scheduled_at=at, now=NOW) == RUNNING

    def test_start_of_a_paused_campaign_runs_it_whatever_its_schedule(self) -> None:
        later = NOW + timedelta(hours=1)
        assert machine.campaign_target("start", PAUSED, scheduled_at=later, now=NOW) == RUNNING

    def test_refusal_lists_the_allowed_statuses_in_order(self) -> None:
        with pytest.raises(machine.IllegalMove) as raised:
            machine.campaign_target("stop", COMPLETED)
        assert raised.value.allowed == (DRAFT, SCHEDULED, RUNNING, PAUSED)


class TestCampaignPredicates:
    @pytest.mark.parametrize("status", CAMPAIGN_STATUSES)
    def test_editable(self, status: str) -> None:
        assert machine.is_editable(status) == (status in (DRAFT, SCHEDULED, PAUSED))

    @pytest.mark.parametrize("status", CAMPAIGN_STATUSES)
    def test_takes_contacts(self, status: str) -> None:
        assert machine.takes_contacts(status) == (status in (DRAFT, PAUSED))

    @pytest.mark.parametrize("status", CAMPAIGN_STATUSES)
    def test_deletable(self, status: str) -> None:
        assert machine.is_deletable(status) == (status not in (RUNNING, SCHEDULED))

    @pytest.mark.parametrize("status", [*CAMPAIGN_STATUSES, None])
    def test_live(self, status: str | None) -> None:
        assert machine.is_live(status) == (status in (RUNNING, PAUSED, SCHEDULED))

    def test_uses_agent(self) -> None:
        assert set(machine.USES_AGENT) == {SCHEDULED, RUNNING, PAUSED}


class TestStep:
    @pytest.mark.parametrize(
        ("capacity", "max_calls", "flying", "free"),
        [(10, 5, 0, 5), (2, 5, 0, 2), (10, 5, 5, 0), (10, 5, 7, -2), (0, 5, 1, 0)],
    )
    def test_lines_free(self, capacity: int, max_calls: int, flying: int, free: int) -> None:
        assert machine.lines_free(capacity, max_calls, flying) == free

    @pytest.mark.parametrize(
        ("free", "claimed", "flying", "look"),
        [(3, 3, 0, False), (3, 2, 0, True), (0, 0, 0, True), (0, 0, 2, False),
         (-1, 0, 0, True), (-1, 0, 3, False)],
    )  # fmt: skip
    def test_must_look_ahead(self, free: int, claimed: int, flying: int, look: bool) -> None:
        assert machine.must_look_ahead(free, claimed, flying) is look

    def test_running_with_nothing_left_completes(self) -> None:
        assert machine.running_idle(False, None, 0, 0, NOW) == machine.Idle(complete=True)

    @pytest.mark.parametrize(("flying", "claimed"), [(1, 0), (0, 1), (2, 3)])
    def test_running_with_calls_under_way_waits(self, flying: int, claimed: int) -> None:
        assert machine.running_idle(False, None, flying, claimed, NOW) == machine.Idle()
        later = NOW + timedelta(minutes=5)
        assert machine.running_idle(True, later, flying, claimed, NOW) == machine.Idle()

    def test_running_with_retries_later_sleeps_until_the_first(self) -> None:
        later = NOW + timedelta(minutes=5)
        assert machine.running_idle(True, later, 0, 0, NOW) == machine.Idle(until=later)

    @pytest.mark.parametrize("earliest", [None, NOW, NOW - timedelta(seconds=1)])
    def test_running_with_contacts_due_now_stays_busy(self, earliest: datetime | None) -> None:
        assert machine.running_idle(True, earliest, 0, 0, NOW) == machine.Idle()

    @pytest.mark.parametrize(
        ("status", "flying", "expected"),
        [
            (COMPLETED, 0, machine.Idle(drained=True)),
            (FAILED, 0, machine.Idle(drained=True)),
            (COMPLETED, 2, machine.Idle()),
            (FAILED, 1, machine.Idle()),
            (PAUSED, 0, machine.Idle(until=NOW + timedelta(seconds=30))),
            (PAUSED, 1, machine.Idle()),
            (SCHEDULED, 0, machine.Idle()),
            (DRAFT, 0, machine.Idle(drained=True)),
        ],
    )
    def test_idle(self, status: str, flying: int, expected: machine.Idle) -> None:
        assert machine.idle(status, flying, NOW) == expected


ACTIONS: dict[machine.ContactAction, tuple[set[str], set[str]]] = {
    "claim": ({PENDING}, {ORIGINATED}),
    "answer": ({ORIGINATED}, {CONNECTED}),
    "land": ({ORIGINATED, CONNECTED}, {COMPLETED, PENDING, CANCELLED, FAILED}),
    "give_back": ({ORIGINATED}, {PENDING, CANCELLED}),
    "skip_listed": ({ORIGINATED}, {SKIPPED}),
    "cancel": ({PENDING}, {CANCELLED}),
}


class TestContactMoves:
    @pytest.mark.parametrize(
        ("action", "status"),
        [(a, s) for a in get_args(machine.ContactAction) for s in CONTACT_STATUSES],
    )
    def test_may(self, action: machine.ContactAction, status: str) -> None:
        assert machine.contact_may(action, status) == (status in ACTIONS[action][0])

    @pytest.mark.parametrize("action", get_args(machine.ContactAction))
    def test_targets(self, action: machine.ContactAction) -> None:
        assert set(machine.CONTACT_MOVES[action][1]) == ACTIONS[action][1]
        assert set(machine.sources(action)) == ACTIONS[action][0]

    @pytest.mark.parametrize("status", [COMPLETED, FAILED, CANCELLED, SKIPPED])
    def test_done_contacts_never_move(self, status: str) -> None:
        assert not any(machine.contact_may(a, status) for a in get_args(machine.ContactAction))


@dataclass
class _Campaign:
    status: str = RUNNING
    retries_per_contact: int = 2
    retry_delay_seconds: int = 300
    retry_on: list[str] = field(default_factory=lambda: list(RETRY_OUTCOMES))
    calling_window: dict[str, Any] | None = None
    default_timezone: str = "UTC"


class TestLanded:
    def test_completed(self) -> None:
        move = machine.landed(_Campaign(), "completed", 1, None, NOW)
        assert move == machine.ContactMove(COMPLETED, {"completed_at": NOW})

    def test_completed_even_on_the_last_attempt_of_a_stopped_campaign(self) -> None:
        move = machine.landed(_Campaign(status=COMPLETED, retries_per_contact=0), "completed",
                              9, None, NOW, final=True)  # fmt: skip
        assert move.status == COMPLETED

    @pytest.mark.parametrize("call_status", ["busy", "no_answer", "failed", "canceled"])
    @pytest.mark.parametrize("campaign_status", [RUNNING, PAUSED, SCHEDULED])
    def test_retried_after_the_delay(self, call_status: str, campaign_status: str) -> None:
        move = machine.landed(_Campaign(status=campaign_status), call_status, 1, None, NOW)
        assert move == machine.ContactMove(
            PENDING, {"next_attempt_at": NOW + timedelta(seconds=300)}
        )

    def test_retry_moves_to_the_next_window_opening(self) -> None:
        window = {"start": "09:00", "end": "17:00", "days": ["mon"], "timezone": "recipient"}
        campaign = _Campaign(calling_window=window, retry_delay_seconds=6 * 3600)
        move = machine.landed(campaign, "busy", 1, "Europe/London", NOW)  # 18:00 London: closed
        assert move == machine.ContactMove(
            PENDING, {"next_attempt_at": datetime(2026, 3, 16, 9, 0, tzinfo=UTC)}
        )

    def test_last_attempt_fails(self) -> None:
        move = machine.landed(_Campaign(retries_per_contact=2), "busy", 3, None, NOW)
        assert move == machine.ContactMove(FAILED, {"completed_at": NOW, "failure_reason": "busy"})

    def test_attempts_up_to_the_retries_are_retried(self) -> None:
        assert machine.landed(_Campaign(retries_per_contact=2), "busy", 2, None, NOW).status == (
            PENDING
        )

    @pytest.mark.parametrize(
        ("call_status", "kind"),
        [("busy", "busy"), ("no_answer", "no_answer"), ("failed", "failed"),
         ("canceled", "failed"), ("unknown", "failed")],
    )  # fmt: skip
    def test_outcomes_not_in_retry_on_fail(self, call_status: str, kind: str) -> None:
        retry_on = [o for o in RETRY_OUTCOMES if o != kind]
        move = machine.landed(_Campaign(retry_on=retry_on), call_status, 1, None, NOW)
        assert move.status == FAILED
        assert move.values["failure_reason"] == call_status

    def test_empty_retry_on_never_retries(self) -> None:
        assert machine.landed(_Campaign(retry_on=[]), "busy", 1, None, NOW).status == FAILED

    def test_an_attempt_in_doubt_is_never_retried(self) -> None:
        move = machine.landed(
            _Campaign(), "unknown", 1, None, NOW, reason="outcome_unknown", final=True
        )
        assert move == machine.ContactMove(
            FAILED, {"completed_at": NOW, "failure_reason": "outcome_unknown"}
        )

    @pytest.mark.parametrize("campaign_status", [COMPLETED, FAILED, DRAFT])
    def test_a_retry_of_an_ended_campaign_is_cancelled(self, campaign_status: str) -> None:
        move = machine.landed(_Campaign(status=campaign_status), "no_answer", 1, None, NOW)
        assert move == machine.ContactMove(
            CANCELLED, {"completed_at": NOW, "failure_reason": "stopped"}
        )

    @pytest.mark.parametrize("campaign_status", [COMPLETED, FAILED])
    def test_no_retry_left_on_an_ended_campaign_fails(self, campaign_status: str) -> None:
        campaign = _Campaign(status=campaign_status, retries_per_contact=0)
        assert machine.landed(campaign, "no_answer", 1, None, NOW).status == FAILED


class TestRetryKind:
    @pytest.mark.parametrize(
        ("call_status", "kind"),
        [("busy", "busy"), ("no_answer", "no_answer"), ("failed", "failed"),
         ("canceled", "failed"), ("unknown", "failed")],
    )  # fmt: skip
    def test_kind(self, call_status: str, kind: str) -> None:
        assert machine.retry_kind(call_status) == kind


class TestGivenBack:
    @pytest.mark.parametrize("status", [RUNNING, PAUSED, SCHEDULED])
    def test_live_campaign_pending_again(self, status: str) -> None:
        retry_at = NOW + timedelta(seconds=10)
        assert machine.given_back(status, retry_at, NOW) == machine.ContactMove(
            PENDING, {"next_attempt_at": retry_at}
        )

    @pytest.mark.parametrize("status", [COMPLETED, FAILED, DRAFT, None])
    def test_ended_or_gone_campaign_cancelled(self, status: str | None) -> None:
        assert machine.given_back(status, NOW, NOW) == machine.ContactMove(
            CANCELLED, {"completed_at": NOW, "failure_reason": "stopped"}
        )
