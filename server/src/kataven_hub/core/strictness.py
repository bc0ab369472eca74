"""Nothing sent is silently ignored: unknown query parameters and form fields are a 400.

Body models refuse unknown JSON fields themselves (`core.schemas.RequestModel`); this module
adds what a model cannot see, for every operation of the API (paths under `/api/`), without
code in any router:

- `refuse_unknown_parameters`, an app-wide dependency: a query parameter or a form field the
  operation does not declare is a 400 naming it, with the closest declared name;
- `register_read_schemas(app)`: each body model learns the fields of its operation's response
  model, so a resource read, edited and sent back is accepted (its read-only fields dropped).

Carrier webhooks and other root routes (signed URLs with their own query strings) are exempt.
"""

from __future__ import annotations

import typing
from types import UnionType
from typing import Any

from fastapi import FastAPI, Request, UploadFile
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.params import File, Form
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from kataven_hub.core.errors import InvalidRequest
from kataven_hub.core.schemas import RequestModel, add_read_only_fields, unknown_message

_CHECKED_PREFIX = "/api/"
# id(dependant) → (the dependant, its query names, its form field names); the dependant is kept
# so that its id cannot be reused by another.
_declared: dict[int, tuple[Dependant, frozenset[str], frozenset[str]]] = {}


def _form_names(field: ModelField, kind: type[Form]) -> list[str]:
    """The form field names a body parameter declares: its own, or a form model's fields."""
    models = _models(field.field_info.annotation)
    if models and isinstance(field.field_info, Form):
        return [
            info.alias or name
            for model in models
            for name, info in model.model_fields.items()
            if kind is Form or _is_upload(info.annotation)
        ]
    return [field.alias] if isinstance(field.field_info, kind) else []


def _is_upload(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, UploadFile)


def _collect(dependant: Dependant, query: set[str], form: set[str]) -> None:
    query.update(field.alias for field in dependant.query_params)
    form.update(name for field in dependant.body_params for name in _form_names(field, Form))
    for sub in dependant.dependencies:
        _collect(sub, query, form)


def _form_files(dependant: Dependant) -> list[str]:
    files = [name for f in dependant.body_params for name in _form_names(f, File)]
    return files + [name for sub in dependant.dependencies for name in _form_files(sub)]


def _declared_names(dependant: Dependant) -> tuple[frozenset[str], frozenset[str]]:
    known = _declared.get(id(dependant))
    if known is None or known[0] is not dependant:
        query: set[str] = set()
        form: set[str] = set()
        _collect(dependant, query, form)
        known = (dependant, frozenset(query), frozenset(form))
        _declared[id(dependant)] = known
    return known[1], known[2]


def _refuse(kind: str, unknown: list[str], known: frozenset[str]) -> InvalidRequest:
    messages = [unknown_message(kind, name, known) for name in unknown]
    allowed = ", ".join(sorted(known)) or "none"
    return InvalidRequest(
        f"{'; '.join(messages)} (this operation takes: {allowed})",
        errors=[{"field": n, "message": m} for n, m in zip(unknown, messages, strict=True)],
    )


async def refuse_unknown_parameters(request: Request) -> None:
    """A query parameter, or a field of a form body, the operation does not declare → 400."""
    if not request.scope.get("path", "").startswith(_CHECKED_PREFIX):
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if not isinstance(dependant, Dependant):
        return
    query, form = _declared_names(dependant)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in query]
    if unknown:
        raise _refuse("query parameter", unknown, query)
    content_type = request.headers.get("content-type", "")
    if form and not content_type.startswith(("multipart/form-data", "application/x-www-form")):
        raise _needs_form(content_type, _form_files(dependant), form)
    if form:
        # FastAPI parsed (and cached) the form before dependencies run: this reads no bytes.
        fields = await request.form()
        unknown = [name for name in dict.fromkeys(fields.keys()) if name not in form]
        if unknown:
            raise _refuse("form field", unknown, form)


def _needs_form(content_type: str, files: list[str], fields: frozenset[str]) -> InvalidRequest:
    sent = content_type.split(";")[0].strip() or "a body without Content-Type"
    others = ", ".join(sorted(fields - set(files)))
    if files:
        upload = " and ".join(f"a `{name}` file" for name in files)
        example = f"curl -F {files[0]}=@{files[0]}.csv -F name=…"
        message = (
            f"This operation takes multipart/form-data, not {sent}: send {upload} (CSV) with "
            f"the fields {others} as form fields (e.g. `{example}`)"
        )
    else:
        message = f"This operation takes a form body, not {sent}: send the fields {others}"
    return InvalidRequest(message, errors=[{"field": "body", "message": message}])


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models in an annotation (`X`, `X | None`, `list[X]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType) or origin is not None:
        return [m for arg in typing.get_args(annotation) for m in _models(arg)]
    return []


def register_read_schemas(app: FastAPI) -> None:
    """Let each body model tolerate its operation's read schema (see RequestModel)."""
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "original_route", context)
        if not isinstance(route, APIRoute):
            continue
        reads = [m for m in _models(route.response_model) if not issubclass(m, RequestModel)]
        for param in route.dependant.body_params:
            for body in _models(param.field_info.annotation):
                if not issubclass(body, RequestModel):
                    continue
                for read in [*reads, *([body.read_schema] if body.read_schema else [])]:
                    add_read_only_fields(body, read)
