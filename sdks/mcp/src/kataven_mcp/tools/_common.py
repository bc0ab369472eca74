"""Shapes shared by the tool modules: parameter types with descriptions, paging a long list
down to what a model needs, and keeping only the arguments a caller gave."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

Limit = Annotated[
    int, Field(ge=1, le=100, description="How many rows to return (1–100). Default 20.")
]
Offset = Annotated[int, Field(ge=0, description="Rows to skip, for the next page. Default 0.")]
AgentId = Annotated[str, Field(description="The agent's id (agent_…), from list_agents.")]
CampaignId = Annotated[str, Field(description="The campaign's id (camp_…), from list_campaigns.")]
SessionId = Annotated[
    str, Field(description="The call's session id (sess_…), from originate_call or list_calls.")
]
Tags = Annotated[list[str] | None, Field(description="Free-form labels for filtering.")]

DEFAULT_LIMIT = 20
LONG_TEXT = 300  # characters of a long text field kept in list results


def given(**fields: Any) -> dict[str, Any]:
    """The fields the caller set: None means "leave unchanged" in every update tool."""
    return {key: value for key, value in fields.items() if value is not None}


def shorten(row: Any, *fields: str, get_tool: str) -> Any:
    """Cut long text fields of a list row; the get tool returns them whole."""
    if not isinstance(row, dict):
        return row
    out = dict(row)
    for name in fields:
        value = out.get(name)
        if isinstance(value, str) and len(value) > LONG_TEXT:
            more = len(value) - LONG_TEXT
            out[name] = f"{value[:LONG_TEXT]}… ({more} more characters: use {get_tool})"
    return out


def window(
    rows: list[Any], key: str, *, limit: int, offset: int, tool: str, extra: str = ""
) -> dict[str, Any]:
    """One page of a list the API returns whole, with the total and how to get the next page."""
    page = rows[offset : offset + limit]
    result: dict[str, Any] = {key: page, "total": len(rows), "limit": limit, "offset": offset}
    result.update(paging_hint(len(rows), len(page), limit, offset, tool, extra))
    return result


def paging_hint(
    total: int | None, shown: int, limit: int, offset: int, tool: str, extra: str = ""
) -> dict[str, Any]:
    """`next_offset` and a one-line hint when more rows exist after this page."""
    more = offset + shown < total if total is not None else shown >= limit
    if not more:
        return {"next_offset": None}
    next_offset = offset + shown
    of_total = f" of {total}" if total is not None else ""
    return {
        "next_offset": next_offset,
        "hint": f"Showing {offset + 1}–{offset + shown}{of_total}. Call {tool} with "
        f"offset={next_offset}{extra} for the next page.",
    }
