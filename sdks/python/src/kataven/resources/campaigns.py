"""Campaigns (`/campaigns`): CSV upload, lifecycle, contacts and the live event stream."""

from __future__ import annotations

import builtins
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any, Unpack

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven._client import FilesFactory, Progress
from kataven._pagination import aiterate, iterate
from kataven._streaming import CampaignEvent
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import (
    CampaignList,
    CampaignRead,
    CampaignUpdate,
    ContactList,
    ContactRead,
    ContactsAdded,
    PreflightReport,
)

Contacts = IO[bytes] | bytes | str | Path
CallingWindow = dict[str, Any]


def contacts_upload(contacts: Contacts) -> FilesFactory:
    """The multipart `contacts` part (see `csv_upload`)."""
    return csv_upload(contacts, "contacts")


def csv_upload(contacts: Contacts, field: str) -> FilesFactory:
    """The multipart CSV part named `field`, built for each attempt: a path is opened (and streamed)
    each time, bytes are reused, an open file is rewound to where it started. A stream that
    cannot seek is sent once (no retry)."""
    if isinstance(contacts, bytes):
        return lambda: {field: ("contacts.csv", contacts, "text/csv")}
    if isinstance(contacts, str | Path):
        path = Path(contacts)
        if not path.is_file():
            raise FileNotFoundError(f"No such contacts file: {path}")
        handles: list[IO[bytes]] = []

        def from_path() -> dict[str, Any]:
            for old in handles:
                old.close()
            handles[:] = [path.open("rb")]
            return {field: (path.name, handles[0], "text/csv")}

        return from_path
    if isinstance(contacts, io.TextIOBase):
        raise TypeError(f"{field} must be opened in binary mode ('rb')")
    name = Path(str(getattr(contacts, "name", "contacts.csv"))).name
    seekable = contacts.seekable() if hasattr(contacts, "seekable") else False
    start = contacts.tell() if seekable else 0
    sent = [False]

    def from_file() -> dict[str, Any] | None:
        if sent[0]:
            if not seekable:
                return None
            contacts.seek(start)
        sent[0] = True
        return {field: (name, contacts, "text/csv")}

    return from_file


def _form(**fields: Any) -> dict[str, str]:
    return {k: str(v) for k, v in given(**fields).items() if v is not None}


def _create_form(
    retry_on: builtins.list[str] | NotGiven | None,
    calling_window: CallingWindow | NotGiven | None,
    **fields: Any,
) -> dict[str, str]:
    """Create's (and preflight's) form fields: `retry_on` comma separated, the calling
    window as JSON."""
    data = _form(**fields)
    if isinstance(retry_on, builtins.list):
        data["retry_on"] = ",".join(retry_on)
    if isinstance(calling_window, dict):
        data["calling_window"] = json.dumps(calling_window)
    return data


class Campaigns(SyncResource):
    @endpoint("GET", "/campaigns")
    def list(self, status: str | None = None) -> CampaignList:
        """The API's envelope (`campaigns`), newest first; `status` keeps one state."""
        result: CampaignList = self._t.request("GET", "/campaigns", params=query(status=status))
        return result

    def iter(self, page_size: int = 100) -> Iterator[CampaignRead]:
        """Every campaign (across pages, should the API page them)."""
        return iterate(
            # Not paged today: one request (sending limit/offset would be a 400).
            lambda offset, limit: self._t.request("GET", "/campaigns"),
            "campaigns",
            page_size,
        )

    @endpoint("GET", "/campaigns/{campaign_id}")
    def get(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = self._t.request("GET", f"/campaigns/{seg(campaign_id)}")
        return result

    @endpoint("POST", "/campaigns")
    def create(
        self,
        name: str,
        agent_id: str,
        phone_number_id: str,
        contacts: Contacts,
        max_concurrent_calls: int | NotGiven = NOT_GIVEN,
        retries_per_contact: int | NotGiven = NOT_GIVEN,
        retry_delay_seconds: int | NotGiven = NOT_GIVEN,
        scheduled_at: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
        retry_on: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        calling_window: CallingWindow | NotGiven | None = NOT_GIVEN,
        default_timezone: str | NotGiven | None = NOT_GIVEN,
    ) -> CampaignRead:
        """A draft campaign from a CSV with a `phone_number` column (≤ 10 MB): `contacts` is
        an open binary file, bytes, or a path (streamed, not read into memory). `retry_on`:
        outcomes retried (busy, no_answer, failed); `calling_window`: `{"start": "09:00",
        "end": "20:00", "days": ["mon", …], "timezone": "recipient" | IANA zone}`."""
        data = _create_form(
            name=name,
            agent_id=agent_id,
            phone_number_id=phone_number_id,
            max_concurrent_calls=max_concurrent_calls,
            retries_per_contact=retries_per_contact,
            retry_delay_seconds=retry_delay_seconds,
            scheduled_at=scheduled_at,
            default_region=default_region,
            retry_on=retry_on,
            calling_window=calling_window,
            default_timezone=default_timezone,
        )
        result: CampaignRead = self._t.request(
            "POST", "/campaigns", data=data, files=contacts_upload(contacts)
        )
        return result

    @endpoint("POST", "/campaigns/preflight")
    def preflight(
        self,
        name: str,
        agent_id: str,
        phone_number_id: str,
        contacts: Contacts,
        max_concurrent_calls: int | NotGiven = NOT_GIVEN,
        retries_per_contact: int | NotGiven = NOT_GIVEN,
        retry_delay_seconds: int | NotGiven = NOT_GIVEN,
        scheduled_at: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
        retry_on: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        calling_window: CallingWindow | NotGiven | None = NOT_GIVEN,
        default_timezone: str | NotGiven | None = NOT_GIVEN,
    ) -> PreflightReport:
        """Check a `create` without storing anything: the report on the CSV (contacts, bad
        rows, repeats, do-not-call numbers, closed windows, an estimate); `accepted` and
        `error` say what create would answer."""
        data = _create_form(
            name=name,
            agent_id=agent_id,
            phone_number_id=phone_number_id,
            max_concurrent_calls=max_concurrent_calls,
            retries_per_contact=retries_per_contact,
            retry_delay_seconds=retry_delay_seconds,
            scheduled_at=scheduled_at,
            default_region=default_region,
            retry_on=retry_on,
            calling_window=calling_window,
            default_timezone=default_timezone,
        )
        result: PreflightReport = self._t.request(
            "POST", "/campaigns/preflight", data=data, files=contacts_upload(contacts)
        )
        return result

    @endpoint("PATCH", "/campaigns/{campaign_id}")
    def update(self, campaign_id: str, **fields: Unpack[CampaignUpdate]) -> CampaignRead:
        """Change a draft, scheduled or paused campaign (409 in any other state)."""
        result: CampaignRead = self._t.request(
            "PATCH", f"/campaigns/{seg(campaign_id)}", json=fields
        )
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/contacts")
    def add_contacts(
        self,
        campaign_id: str,
        contacts: Contacts,
        default_region: str | NotGiven | None = NOT_GIVEN,
    ) -> ContactsAdded:
        """Append another CSV's contacts to a draft or paused campaign (numbers it already
        has are skipped)."""
        result: ContactsAdded = self._t.request(
            "POST",
            f"/campaigns/{seg(campaign_id)}/contacts",
            data=_form(default_region=default_region),
            files=contacts_upload(contacts),
        )
        return result

    @endpoint("GET", "/campaigns/{campaign_id}/contacts.csv")
    def export(
        self,
        campaign_id: str,
        path_or_file: str | Path | IO[bytes],
        progress: Progress | None = None,
    ) -> int:
        """Stream every contact as CSV into `path_or_file` (a path, or an open binary file);
        returns the bytes written."""
        url = f"/campaigns/{seg(campaign_id)}/contacts.csv"
        if isinstance(path_or_file, str | Path):
            with Path(path_or_file).open("wb") as out:
                return self._t.download(url, out, progress, api=True)
        return self._t.download(url, path_or_file, progress, api=True)

    @endpoint("POST", "/campaigns/{campaign_id}/start")
    def start(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = self._t.request("POST", f"/campaigns/{seg(campaign_id)}/start")
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/pause")
    def pause(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = self._t.request("POST", f"/campaigns/{seg(campaign_id)}/pause")
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/resume")
    def resume(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = self._t.request("POST", f"/campaigns/{seg(campaign_id)}/resume")
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/stop")
    def stop(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = self._t.request("POST", f"/campaigns/{seg(campaign_id)}/stop")
        return result

    @endpoint("DELETE", "/campaigns/{campaign_id}")
    def delete(self, campaign_id: str) -> None:
        self._t.request("DELETE", f"/campaigns/{seg(campaign_id)}")

    @endpoint("GET", "/campaigns/{campaign_id}/contacts")
    def list_contacts(
        self,
        campaign_id: str,
        status: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> ContactList:
        """One page of contacts in CSV order: the API's envelope (`contacts`, `total`…)."""
        result: ContactList = self._t.request(
            "GET",
            f"/campaigns/{seg(campaign_id)}/contacts",
            params=query(status=status, limit=limit, offset=offset),
        )
        return result

    def iter_contacts(
        self, campaign_id: str, status: str | None = None, page_size: int = 1000
    ) -> Iterator[ContactRead]:
        """Every contact of the campaign across all pages."""
        path, params = f"/campaigns/{seg(campaign_id)}/contacts", query(status=status)
        return iterate(
            lambda offset, limit: self._t.request(
                "GET", path, params={**params, "offset": offset, "limit": limit}
            ),
            "contacts",
            page_size,
        )

    @endpoint("GET", "/campaigns/{campaign_id}/events")
    def stream_events(
        self, campaign_id: str, last_event_id: str | None = None
    ) -> Iterator[CampaignEvent]:
        """The campaign's live events: `contact` and `status` (with ids), progress snapshots
        (`message`, no id) and finally `end`, after which the iterator stops. A dropped
        connection is resumed with `Last-Event-ID`, so each event arrives exactly once."""
        return self._t.events(f"/campaigns/{seg(campaign_id)}/events", last_event_id)


class AsyncCampaigns(AsyncResource):
    @endpoint("GET", "/campaigns")
    async def list(self, status: str | None = None) -> CampaignList:
        """The API's envelope (`campaigns`), newest first; `status` keeps one state."""
        result: CampaignList = await self._t.request(
            "GET", "/campaigns", params=query(status=status)
        )
        return result

    def iter(self, page_size: int = 100) -> AsyncIterator[CampaignRead]:
        """Every campaign (across pages, should the API page them)."""
        return aiterate(
            # Not paged today: one request (sending limit/offset would be a 400).
            lambda offset, limit: self._t.request("GET", "/campaigns"),
            "campaigns",
            page_size,
        )

    @endpoint("GET", "/campaigns/{campaign_id}")
    async def get(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = await self._t.request("GET", f"/campaigns/{seg(campaign_id)}")
        return result

    @endpoint("POST", "/campaigns")
    async def create(
        self,
        name: str,
        agent_id: str,
        phone_number_id: str,
        contacts: Contacts,
        max_concurrent_calls: int | NotGiven = NOT_GIVEN,
        retries_per_contact: int | NotGiven = NOT_GIVEN,
        retry_delay_seconds: int | NotGiven = NOT_GIVEN,
        scheduled_at: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
        retry_on: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        calling_window: CallingWindow | NotGiven | None = NOT_GIVEN,
        default_timezone: str | NotGiven | None = NOT_GIVEN,
    ) -> CampaignRead:
        """A draft campaign from a CSV with a `phone_number` column (≤ 10 MB): `contacts` is
        an open binary file, bytes, or a path (streamed, not read into memory). `retry_on`:
        outcomes retried (busy, no_answer, failed); `calling_window`: `{"start": "09:00",
        "end": "20:00", "days": ["mon", …], "timezone": "recipient" | IANA zone}`."""
        data = _create_form(
            name=name,
            agent_id=agent_id,
            phone_number_id=phone_number_id,
            max_concurrent_calls=max_concurrent_calls,
            retries_per_contact=retries_per_contact,
            retry_delay_seconds=retry_delay_seconds,
            scheduled_at=scheduled_at,
            default_region=default_region,
            retry_on=retry_on,
            calling_window=calling_window,
            default_timezone=default_timezone,
        )
        result: CampaignRead = await self._t.request(
            "POST", "/campaigns", data=data, files=contacts_upload(contacts)
        )
        return result

    @endpoint("POST", "/campaigns/preflight")
    async def preflight(
        self,
        name: str,
        agent_id: str,
        phone_number_id: str,
        contacts: Contacts,
        max_concurrent_calls: int | NotGiven = NOT_GIVEN,
        retries_per_contact: int | NotGiven = NOT_GIVEN,
        retry_delay_seconds: int | NotGiven = NOT_GIVEN,
        scheduled_at: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
        retry_on: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        calling_window: CallingWindow | NotGiven | None = NOT_GIVEN,
        default_timezone: str | NotGiven | None = NOT_GIVEN,
    ) -> PreflightReport:
        """Check a `create` without storing anything: the report on the CSV (contacts, bad
        rows, repeats, do-not-call numbers, closed windows, an estimate); `accepted` and
        `error` say what create would answer."""
        data = _create_form(
            name=name,
            agent_id=agent_id,
            phone_number_id=phone_number_id,
            max_concurrent_calls=max_concurrent_calls,
            retries_per_contact=retries_per_contact,
            retry_delay_seconds=retry_delay_seconds,
            scheduled_at=scheduled_at,
            default_region=default_region,
            retry_on=retry_on,
            calling_window=calling_window,
            default_timezone=default_timezone,
        )
        result: PreflightReport = await self._t.request(
            "POST", "/campaigns/preflight", data=data, files=contacts_upload(contacts)
        )
        return result

    @endpoint("PATCH", "/campaigns/{campaign_id}")
    async def update(self, campaign_id: str, **fields: Unpack[CampaignUpdate]) -> CampaignRead:
        """Change a draft, scheduled or paused campaign (409 in any other state)."""
        result: CampaignRead = await self._t.request(
            "PATCH", f"/campaigns/{seg(campaign_id)}", json=fields
        )
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/contacts")
    async def add_contacts(
        self,
        campaign_id: str,
        contacts: Contacts,
        default_region: str | NotGiven | None = NOT_GIVEN,
    ) -> ContactsAdded:
        """Append another CSV's contacts to a draft or paused campaign (numbers it already
        has are skipped)."""
        result: ContactsAdded = await self._t.request(
            "POST",
            f"/campaigns/{seg(campaign_id)}/contacts",
            data=_form(default_region=default_region),
            files=contacts_upload(contacts),
        )
        return result

    @endpoint("GET", "/campaigns/{campaign_id}/contacts.csv")
    async def export(
        self,
        campaign_id: str,
        path_or_file: str | Path | IO[bytes],
        progress: Progress | None = None,
    ) -> int:
        """Stream every contact as CSV into `path_or_file` (a path, or an open binary file);
        returns the bytes written."""
        url = f"/campaigns/{seg(campaign_id)}/contacts.csv"
        if isinstance(path_or_file, str | Path):
            with Path(path_or_file).open("wb") as out:  # noqa: ASYNC230 (a local file, opened once)
                return await self._t.download(url, out, progress, api=True)
        return await self._t.download(url, path_or_file, progress, api=True)

    @endpoint("POST", "/campaigns/{campaign_id}/start")
    async def start(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = await self._t.request("POST", f"/campaigns/{seg(campaign_id)}/start")
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/pause")
    async def pause(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = await self._t.request("POST", f"/campaigns/{seg(campaign_id)}/pause")
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/resume")
    async def resume(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = await self._t.request(
            "POST", f"/campaigns/{seg(campaign_id)}/resume"
        )
        return result

    @endpoint("POST", "/campaigns/{campaign_id}/stop")
    async def stop(self, campaign_id: str) -> CampaignRead:
        result: CampaignRead = await self._t.request("POST", f"/campaigns/{seg(campaign_id)}/stop")
        return result

    @endpoint("DELETE", "/campaigns/{campaign_id}")
    async def delete(self, campaign_id: str) -> None:
        await self._t.request("DELETE", f"/campaigns/{seg(campaign_id)}")

    @endpoint("GET", "/campaigns/{campaign_id}/contacts")
    async def list_contacts(
        self,
        campaign_id: str,
        status: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> ContactList:
        """One page of contacts in CSV order: the API's envelope (`contacts`, `total`…)."""
        result: ContactList = await self._t.request(
            "GET",
            f"/campaigns/{seg(campaign_id)}/contacts",
            params=query(status=status, limit=limit, offset=offset),
        )
        return result

    def iter_contacts(
        self, campaign_id: str, status: str | None = None, page_size: int = 1000
    ) -> AsyncIterator[ContactRead]:
        """Every contact of the campaign across all pages."""
        path, params = f"/campaigns/{seg(campaign_id)}/contacts", query(status=status)
        return aiterate(
            lambda offset, limit: self._t.request(
                "GET", path, params={**params, "offset": offset, "limit": limit}
            ),
            "contacts",
            page_size,
        )

    @endpoint("GET", "/campaigns/{campaign_id}/events")
    def stream_events(
        self, campaign_id: str, last_event_id: str | None = None
    ) -> AsyncIterator[CampaignEvent]:
        """The campaign's live events: `contact` and `status` (with ids), progress snapshots
        (`message`, no id) and finally `end`, after which the iterator stops. A dropped
        connection is resumed with `Last-Event-ID`, so each event arrives exactly once."""
        return self._t.events(f"/campaigns/{seg(campaign_id)}/events", last_event_id)
