"""Vobiz: a Plivo-shaped API (same resources, bodies, callbacks and XML), served at
`{base_url}/v1/Account/{auth_id}/…` and authenticated with `X-Auth-ID` /
`X-Auth-Token` headers instead of HTTP basic auth. Callbacks are signed as Plivo's V3 scheme;
we accept the signature under the `X-Vobiz-…` or the `X-Plivo-…` header names."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kataven_hub.carriers.plivo import PlivoCarrier

_AUTH_ID = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


class VobizCarrier(PlivoCarrier):
    provider = "vobiz"
    signature_headers = ("x-vobiz-signature-v3", "x-plivo-signature-v3")
    nonce_headers = ("x-vobiz-signature-v3-nonce", "x-plivo-signature-v3-nonce")

    def check_credentials(self, credentials: Mapping[str, str]) -> dict[str, str]:
        if not _AUTH_ID.match(credentials.get("auth_id", "")):
            raise ValueError("auth_id must be 4–64 letters, digits, '-' or '_'")
        if not _TOKEN.match(credentials.get("auth_token", "")):
            raise ValueError("auth_token must be 8–128 letters, digits, '-' or '_'")
        return {k: credentials[k] for k in self.required_keys}

    def _auth(self, creds: Mapping[str, str]) -> dict[str, object]:
        return {"headers": {"X-Auth-ID": creds["auth_id"], "X-Auth-Token": creds["auth_token"]}}
