"""What every tool gets: the SDK's async client and what this server allows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kataven import AsyncKatavenClient


class ToolInputError(Exception):
    """A tool's arguments cannot work (both CSV forms given, a missing file): its message goes
    back to the model as a tool error."""


@dataclass(frozen=True)
class Hub:
    client: AsyncKatavenClient
    base_url: str
    # Reading and writing files on this machine (a campaign CSV by path, a recording download)
    # is for a local user on stdio; over HTTP a remote caller must not reach the host's files.
    allow_local_files: bool


def local_path(hub: Hub, path: str, *, must_exist: bool, instead: str) -> Path:
    """A path on this machine a tool may use; refused over HTTP unless allowed."""
    if not hub.allow_local_files:
        raise ToolInputError(
            f"This server does not use files on its host (it is reached over HTTP): {instead}"
        )
    resolved = Path(path).expanduser()
    if must_exist and not resolved.is_file():
        raise ToolInputError(f"No such file: {resolved}")
    return resolved
