"""Domain allowlists of widget keys, and matching a browser's Origin against them. Pure code.

Entry forms (stored normalised: lower case, punycode, no trailing slash):

| entry                 | matches                                                        |
| ---                   | ---                                                            |
| `acme.com`            | `http://acme.com` and `https://acme.com` on their default ports |
| `https://acme.com`    | only `https://acme.com` (port 443)                              |
| `*.acme.com`          | any subdomain of acme.com (not acme.com itself), http or https  |
| `localhost:*`         | localhost on any port, http or https                            |
| `http://host:8080`    | that scheme, host and port exactly                              |

Anything else (paths, queries, user info, a bare `*`, `*.com`, other schemes) is refused, so a
typo cannot silently open a key to the whole web.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_ENTRIES = 50
MAX_ENTRY_LENGTH = 300
_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_ENTRY = re.compile(
    r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>[^/:?#@\s]+|\[[0-9a-f:.]+\])(?::(?P<port>\*|\d{1,5}))?/?\Z"
)


@dataclass(frozen=True, slots=True)
class Entry:
    scheme: str | None  # None: http or https
    host: str  # "*.acme.com" for wildcards
    port: int | str | None  # None: the scheme's default port; "*": any

    def __str__(self) -> str:
        text = f"{self.scheme}://{self.host}" if self.scheme else self.host
        return f"{text}:{self.port}" if self.port is not None else text


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        default = _DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{self.host}" + ("" if default else f":{self.port}")


def _normalise_host(host: str) -> str | None:
    if host.startswith("[") and host.endswith("]"):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return None
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    host = host.rstrip(".")
    if not host or len(host) > 253:
        return None
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            return None
    return host if all(_LABEL.match(label) for label in labels) else None


@functools.lru_cache(maxsize=4096)
def parse_entry(raw: str) -> Entry:
    """Normalise one allowlist entry; ValueError with a customer-readable reason otherwise."""
    text = raw.strip().lower()
    if not text or len(text) > MAX_ENTRY_LENGTH:
        raise ValueError("must be a domain such as acme.com, https://acme.com or *.acme.com")
    match = _ENTRY.match(text)
    if match is None:
        raise ValueError(f"{raw!r} is not a domain (no paths, queries or credentials)")
    scheme, host, port = match.group("scheme"), match.group("host"), match.group("port")
    if scheme is not None and scheme not in _SCHEMES:
        raise ValueError(f"{raw!r}: only http and https origins can embed the widget")
    wildcard = host.startswith("*.")
    name = _normalise_host(host[2:] if wildcard else host)
    if name is None or "*" in (host[2:] if wildcard else host):
        raise ValueError(f"{raw!r} is not a valid host name")
    if wildcard and ("." not in name or _is_ip(name)):
        raise ValueError(f"{raw!r}: a wildcard needs a registrable domain, e.g. *.acme.com")
    parsed_port: int | str | None = None
    if port == "*":
        parsed_port = "*"
    elif port is not None:
        parsed_port = int(port)
        if not 1 <= parsed_port <= 65535:
            raise ValueError(f"{raw!r}: port out of range")
    return Entry(scheme, f"*.{name}" if wildcard else name, parsed_port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def normalise(entries: list[str]) -> list[str]:
    """Validated, normalised and de-duplicated entries, in the order given."""
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"at most {MAX_ENTRIES} entries")
    out: list[str] = []
    for raw in entries:
        text = str(parse_entry(raw))
        if text not in out:
            out.append(text)
    return out


def parse_origin(value: str | None) -> Origin | None:
    """The origin of an `Origin` header or a `Referer` URL; None when absent or unusable
    (including the opaque origin `null` of sandboxed frames and file:// pages)."""
    if not value or len(value) > 2048:
        return None
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not parts.hostname or parts.username or parts.password:
        return None
    raw_host = parts.hostname
    host = _normalise_host(f"[{raw_host}]" if ":" in raw_host else raw_host)
    if host is None:
        return None
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS[scheme])


def matches(entry: Entry, origin: Origin) -> bool:
    if entry.scheme is not None and entry.scheme != origin.scheme:
        return False
    if entry.port == "*":
        pass
    elif entry.port is None:
        if origin.port != _DEFAULT_PORTS[origin.scheme]:
            return False
    elif entry.port != origin.port:
        return False
    if entry.host.startswith("*."):
        return origin.host.endswith(entry.host[1:])
    return entry.host == origin.host


def allows(allowlist: list[str], origin: Origin | None) -> bool:
    """True when the origin matches an entry. An empty allowlist allows nothing."""
    if origin is None:
        return False
    for raw in allowlist:
        try:
            entry = parse_entry(raw)
        except ValueError:
            continue
        if matches(entry, origin):
            return True
    return False
