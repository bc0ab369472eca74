"""Nothing sent is silently ignored: unknown body fields, query parameters and form fields are a
400 naming them (with the closest known name); the read-only fields of a resource's own read
schema are tolerated, so a resource read, edited and sent back is accepted."""

from __future__ import annotations

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from kataven_hub.core.schemas import RequestModel
from kataven_hub.core.strictness import register_read_schemas
from kataven_hub.main import create_app

from tests.factories.campaigns import contact_numbers, csv_of
from tests.factories.telephony import add_provider, create_agent, unique_e164
from tests.fixtures.app import Tenant
from tests.helpers import JSON


class TestUnknownBodyFields:
    async def test_named_with_a_suggestion(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/agents",
            json={"name": "A", "model": "gpt-4o"},
            headers={**tenant_a.headers, **JSON},
        )
        assert r.status_code == 400, r.text
        problem = r.json()
        assert problem["detail"] == (
            "Invalid request: unknown field 'model'; did you mean 'llm_model'?"
        )
        assert problem["errors"] == [
            {"field": "model", "message": "unknown field 'model'; did you mean 'llm_model'?"}
        ]
        names = [
            a["name"] for a in (await client.get("/api/v1/agents", headers=tenant_a.headers)).json()
        ]
        assert "A" not in names  # nothing stored

    async def test_every_unknown_field_is_named(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a, status="draft")
        r = await client.patch(
            f"/api/v1/agents/{agent['id']}",
            json={"satus": "active", "zzz": 1},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert r.text == (
            "Invalid request: unknown field 'satus'; did you mean 'status'?; unknown field 'zzz'"
        )
        again = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert again.json()["status"] == "draft"

    async def test_nested_and_aliased_fields(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        # Tools take their JSON Schema as `schema` (the read schema's name too).
        r = await client.post(
            "/api/v1/tools",
            json={"name": "strict_tool", "category": "x", "args_schema": {}},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert r.text == "Invalid request: unknown field 'args_schema'; did you mean 'schema'?"

    async def test_a_read_resource_sent_back_is_accepted(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a, status="draft")
        edited = {**agent, "description": "edited"}  # id, created_at, playbooks, faqs…
        r = await client.patch(
            f"/api/v1/agents/{agent['id']}", json=edited, headers=tenant_a.headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["description"] == "edited"
        assert r.json()["id"] == agent["id"]
        assert r.json()["created_at"] == agent["created_at"]

    async def test_read_fields_of_the_resource_tolerated_on_a_204_route(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        provider = await add_provider(client, tenant_a, "sandbox", {}, label="strict")
        body = {"e164": unique_e164(), "provider": "sandbox", "credentials_id": provider["id"]}
        number = (
            await client.post("/api/v1/telephony/numbers", json=body, headers=tenant_a.headers)
        ).json()
        r = await client.patch(
            f"/api/v1/telephony/numbers/{number['id']}",
            json={**number, "inbound_enabled": False},
            headers=tenant_a.headers,
        )
        assert r.status_code == 204, r.text
        r = await client.patch(
            f"/api/v1/telephony/numbers/{number['id']}",
            json={"inbound": False},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "unknown field 'inbound'; did you mean 'inbound_enabled'?" in r.text

    async def test_fields_of_another_resource_are_not_tolerated(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        # Installing a template answers with an agent, but takes no agent fields but `name`.
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_x/install",
            json={"name": "A", "system_prompt": "x"},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "unknown field 'system_prompt'" in r.text


class TestUnknownQueryParameters:
    async def test_named_with_a_suggestion(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/tools?limt=5", headers={**tenant_a.headers, **JSON})
        assert r.status_code == 400
        problem = r.json()
        assert problem["detail"].startswith(
            "unknown query parameter 'limt'; did you mean 'limit'? (this operation takes: "
        )
        assert problem["errors"][0]["field"] == "limt"

    @pytest.mark.parametrize(
        "path", ["/api/v1/agents?page=2", "/v1/agents?x=1", "/hub-api/api/v1/faqs?q=a"]
    )
    async def test_on_every_mount(
        self, client: httpx.AsyncClient, tenant_a: Tenant, path: str
    ) -> None:
        r = await client.get(path, headers=tenant_a.headers)
        assert r.status_code == 400
        assert r.text.startswith("unknown query parameter")

    async def test_declared_parameters_still_work(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/tools?limit=2&offset=0", headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json()["limit"] == 2


class TestFormBodies:
    async def test_json_to_the_campaign_upload_says_what_to_send(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/campaigns",
            json={"name": "x", "agent_id": "agent_x", "phone_number_id": "num_x"},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert r.text.startswith(
            "This operation takes multipart/form-data, not application/json: send a `contacts` "
            "file (CSV)"
        )

    async def test_unknown_form_field(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        files = {"contacts": ("c.csv", csv_of(contact_numbers(1)), "text/csv")}
        data = {"name": "x", "agent_id": "agent_x", "phone_number_id": "num_x", "retries": "2"}
        r = await client.post("/api/v1/campaigns", data=data, files=files, headers=tenant_a.headers)
        assert r.status_code == 400
        assert r.text.startswith(
            "unknown form field 'retries'; did you mean 'retries_per_contact'?"
        )


def test_every_body_model_refuses_unknown_fields() -> None:
    """Bodies added later inherit the rule by deriving from RequestModel: no route takes a
    pydantic body that would silently drop fields."""
    app = create_app()
    register_read_schemas(app)
    seen = 0
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "original_route", context)
        for param in getattr(getattr(route, "dependant", None), "body_params", []):
            model = param.field_info.annotation
            for candidate in getattr(model, "__args__", (model,)):
                if isinstance(candidate, type) and hasattr(candidate, "model_fields"):
                    assert issubclass(candidate, RequestModel), candidate
                    assert candidate.model_config.get("extra") == "forbid", candidate
                    seen += 1
    assert seen > 20
