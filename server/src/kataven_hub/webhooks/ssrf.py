"""Where webhooks may be sent: never to loopback, private, link-local (cloud metadata), multicast
or otherwise non-public addresses, unless the operator allows private destinations
(`WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS`; link-local, multicast and unspecified addresses stay
refused even then). A URL is checked when an endpoint is saved and again before every attempt:
the host is resolved, every address checked, and the request goes to the checked address (with
the original Host header and TLS server name), so a DNS answer that changes in between cannot
redirect it. Redirects are never followed (see worker.py)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from kataven_hub.core.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services outside the link-local ranges (AWS over IPv6, Alibaba Cloud).
_METADATA = frozenset(ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200"))


class DestinationRefused(Exception):
    """The URL may not receive webhooks; the message says why (shown to the customer)."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str  # as written in the URL (Host header, TLS server name)
    port: int
    path: str  # path and query
    address: IPAddress  # the checked address to connect to

    @property
    def connect_url(self) -> str:
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{host}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def refusal(ip: IPAddress) -> str | None:
    """Why this address may not receive webhooks, or None."""
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None:
        return refusal(mapped)
    allow_private = get_settings().webhooks_allow_private
    if ip.is_loopback:
        return None if allow_private else f"{ip} is a loopback address"
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip in _METADATA:
        # Cloud metadata services live here (169.254.169.254): refused whatever the setting.
        return f"{ip} is a link-local, multicast or unspecified address"
    if not ip.is_global:
        return None if allow_private else f"{ip} is a private or otherwise non-public address"
    return None


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an acceptable URL; DestinationRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DestinationRefused("url is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise DestinationRefused("url must be an https:// URL")
    if scheme == "http" and not get_settings().webhooks_allow_http:
        raise DestinationRefused("url must be an https:// URL (plain http is not allowed here)")
    if parts.username is not None or parts.password is not None:
        raise DestinationRefused("url must not contain credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise DestinationRefused("url must name a host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (one for an address literal)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=5.0
        )
    except (OSError, TimeoutError):
        raise DestinationRefused(f"{host} does not resolve") from None
    out: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    if not out:
        raise DestinationRefused(f"{host} does not resolve")
    return out


async def check(url: str) -> Target:
    """Resolve and check a URL; the Target connects to the first address (all were checked:
    a host with one forbidden address among several is refused as a whole)."""
    scheme, host, port, path = parse(url)
    addresses = await resolve(host, port)
    for ip in addresses:
        reason = refusal(ip)
        if reason is not None:
            raise DestinationRefused(f"{host} resolves to a refused destination: {reason}")
    return Target(scheme, host, port, path, addresses[0])
