"""Webhook signature schemes, compared in constant time.

- Twilio `X-Twilio-Signature`: base64(HMAC-SHA1(auth_token, URL + key1 + value1 + key2 + …)),
  POST parameters sorted by key (the full URL includes its query string).
- Plivo V3 `X-Plivo-Signature-V3` (+ `X-Plivo-Signature-V3-Nonce`): base64(HMAC-SHA256(
  auth_token, base + "." + nonce)). For POST, base = URL without query + "?" + sorted query
  (`k=v&…`, followed by "." when present) + sorted POST params as `k1v1k2v2…`. The header may
  carry several comma-separated signatures (token rotation); any match counts. Vobiz signs
  as Plivo does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(
    auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    if not signature or not auth_token:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def _plivo_base(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query_string = "&".join(f"{k}={v}" for k, v in query)
    if not params:
        return base + ("?" + query_string if query_string else "")
    base += "?" + query_string + ("." if query_string else "")
    return base + "".join(f"{k}{params[k]}" for k in sorted(params))


def plivo_v3_signature(auth_token: str, url: str, params: Mapping[str, str], nonce: str) -> str:
    data = f"{_plivo_base(url, params)}.{nonce}".encode()
    return base64.b64encode(hmac.new(auth_token.encode(), data, hashlib.sha256).digest()).decode()


def plivo_v3_valid(
    auth_token: str, url: str, params: Mapping[str, str], nonce: str | None, signature: str | None
) -> bool:
    if not signature or not nonce or not auth_token:
        return False
    expected = plivo_v3_signature(auth_token, url, params, nonce).encode()
    # Check every candidate (no early exit) so timing says nothing about which one matched.
    matched = False
    for candidate in signature.split(","):
        matched |= hmac.compare_digest(expected, candidate.strip().encode())
    return matched
