"""The do-not-call list (`/dnc`): numbers never dialled again."""

from __future__ import annotations

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.resources.campaigns import Contacts, _form, csv_upload
from kataven.types import DncImportResult, DncList, DncRead


class Dnc(SyncResource):
    @endpoint("GET", "/dnc")
    def list(
        self,
        phone_number: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> DncList:
        """One page of listed numbers (or the one `phone_number`)."""
        params = query(phone_number=phone_number, limit=limit, offset=offset)
        result: DncList = self._t.request("GET", "/dnc", params=params)
        return result

    @endpoint("POST", "/dnc")
    def add(
        self,
        phone_number: str,
        reason: str | NotGiven | None = NOT_GIVEN,
    ) -> DncRead:
        """List a number (E.164); listing it again only updates its reason."""
        body = given(phone_number=phone_number, reason=reason)
        result: DncRead = self._t.request("POST", "/dnc", json=body)
        return result

    @endpoint("DELETE", "/dnc/{phone_number}")
    def delete(self, phone_number: str) -> None:
        self._t.request("DELETE", f"/dnc/{seg(phone_number)}")

    @endpoint("POST", "/dnc/import")
    def import_csv(
        self,
        file: Contacts,
        reason: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
    ) -> DncImportResult:
        """List every number of a CSV with a `phone_number` column (and optionally
        `reason`): an open binary file, bytes or a path. Any bad row: 400, nothing listed."""
        data = _form(reason=reason, default_region=default_region)
        result: DncImportResult = self._t.request(
            "POST", "/dnc/import", data=data, files=csv_upload(file, "file")
        )
        return result


class AsyncDnc(AsyncResource):
    @endpoint("GET", "/dnc")
    async def list(
        self,
        phone_number: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> DncList:
        """One page of listed numbers (or the one `phone_number`)."""
        params = query(phone_number=phone_number, limit=limit, offset=offset)
        result: DncList = await self._t.request("GET", "/dnc", params=params)
        return result

    @endpoint("POST", "/dnc")
    async def add(
        self,
        phone_number: str,
        reason: str | NotGiven | None = NOT_GIVEN,
    ) -> DncRead:
        """List a number (E.164); listing it again only updates its reason."""
        body = given(phone_number=phone_number, reason=reason)
        result: DncRead = await self._t.request("POST", "/dnc", json=body)
        return result

    @endpoint("DELETE", "/dnc/{phone_number}")
    async def delete(self, phone_number: str) -> None:
        await self._t.request("DELETE", f"/dnc/{seg(phone_number)}")

    @endpoint("POST", "/dnc/import")
    async def import_csv(
        self,
        file: Contacts,
        reason: str | NotGiven | None = NOT_GIVEN,
        default_region: str | NotGiven | None = NOT_GIVEN,
    ) -> DncImportResult:
        """List every number of a CSV with a `phone_number` column (and optionally
        `reason`): an open binary file, bytes or a path. Any bad row: 400, nothing listed."""
        data = _form(reason=reason, default_region=default_region)
        result: DncImportResult = await self._t.request(
            "POST", "/dnc/import", data=data, files=csv_upload(file, "file")
        )
        return result
