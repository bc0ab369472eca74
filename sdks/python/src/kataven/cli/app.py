"""`kataven NOUN VERB`: the SDK on the command line. Tables for people, `--json` for scripts.

Exit status: 0 on success, 1 on an API or connection error (the server's message on one stderr
line), 2 on a usage error.
"""

import sys
from collections.abc import Callable
from typing import Any

import typer

from kataven import KatavenError

from . import catalog, phone, settings
from ._common import app

__all__ = ["SDK_COMMANDS", "app", "catalog", "phone", "run", "settings"]

# Every public method of the SDK's resources and the command that calls it. A test walks the
# SDK and fails when a method is missing here or names a command (or option) that does not exist.
SDK_COMMANDS: dict[str, str] = {
    "agents.list": "agents list",
    "agents.get": "agents get",
    "agents.create": "agents create",
    "agents.update": "agents update",
    "agents.delete": "agents delete",
    "agents.list_tools": "agents tools",
    "agents.upsert_tool": "agents upsert-tool",
    "agents.attach_playbook": "agents attach-playbook",
    "agents.detach_playbook": "agents detach-playbook",
    "agents.attach_faq": "agents attach-faq",
    "agents.detach_faq": "agents detach-faq",
    "tools.list": "tools list",
    "tools.iter": "tools list --all",
    "tools.get": "tools get",
    "tools.create": "tools create",
    "tools.update": "tools update",
    "tools.delete": "tools delete",
    "playbooks.list": "playbooks list",
    "playbooks.iter": "playbooks list --all",
    "playbooks.get": "playbooks get",
    "playbooks.create": "playbooks create",
    "playbooks.update": "playbooks update",
    "playbooks.delete": "playbooks delete",
    "faqs.list": "faqs list",
    "faqs.iter": "faqs list --all",
    "faqs.get": "faqs get",
    "faqs.create": "faqs create",
    "faqs.update": "faqs update",
    "faqs.delete": "faqs delete",
    "marketplace.list": "marketplace list",
    "marketplace.get": "marketplace get",
    "marketplace.install": "marketplace install",
    "integrations.list": "integrations list",
    "integrations.get": "integrations get",
    "integrations.install": "integrations install",
    "integrations.uninstall": "integrations uninstall",
    "integrations.native_tools": "integrations native-tools",
    "integrations.mcp_connections": "integrations mcp-connections",
    "telephony.list_providers": "telephony providers",
    "telephony.create_provider": "telephony add-provider",
    "telephony.delete_provider": "telephony delete-provider",
    "telephony.list_numbers": "telephony numbers",
    "telephony.create_number": "telephony add-number",
    "telephony.update_number": "telephony update-number",
    "telephony.delete_number": "telephony delete-number",
    "calls.list": "calls list",
    "calls.iter": "calls list --all",
    "calls.get": "calls get",
    "calls.originate": "calls originate",
    "recordings.get": "recordings get",
    "recordings.download": "recordings download",
    "campaigns.list": "campaigns list",
    "campaigns.iter": "campaigns list --all",
    "campaigns.get": "campaigns get",
    "campaigns.create": "campaigns create",
    "campaigns.list_contacts": "campaigns contacts",
    "campaigns.iter_contacts": "campaigns contacts --all",
    "campaigns.start": "campaigns start",
    "campaigns.pause": "campaigns pause",
    "campaigns.resume": "campaigns resume",
    "campaigns.stop": "campaigns stop",
    "campaigns.delete": "campaigns delete",
    "campaigns.stream_events": "campaigns watch",
    "call_limits.get": "call-limits get",
    "call_limits.update": "call-limits update",
    "api_keys.list": "api-keys list",
    "widget_keys.list": "widget-keys list",
    "widget_keys.get": "widget-keys get",
    "widget_keys.create": "widget-keys create",
    "widget_keys.update": "widget-keys update",
    "widget_keys.delete": "widget-keys delete",
    "widget_settings.get": "widget-settings get",
    "widget_settings.update": "widget-settings update",
    "widget_settings.get_agent": "widget-settings get-agent",
    "widget_settings.update_agent": "widget-settings update-agent",
    "widget_auth.create_user_token": "widget-auth user-token",
    "calls.hangup": "calls hangup",
    "campaigns.preflight": "campaigns preflight",
    "campaigns.update": "campaigns update",
    "campaigns.add_contacts": "campaigns add-contacts",
    "campaigns.export": "campaigns export",
    "dnc.list": "dnc list",
    "dnc.add": "dnc add",
    "dnc.delete": "dnc delete",
    "dnc.import_csv": "dnc import",
    "webhook_endpoints.list": "webhook-endpoints list",
    "webhook_endpoints.get": "webhook-endpoints get",
    "webhook_endpoints.create": "webhook-endpoints create",
    "webhook_endpoints.update": "webhook-endpoints update",
    "webhook_endpoints.delete": "webhook-endpoints delete",
    "webhook_endpoints.rotate_secret": "webhook-endpoints rotate-secret",
    "webhook_endpoints.test": "webhook-endpoints test",
    "webhook_endpoints.list_deliveries": "webhook-endpoints deliveries",
    "webhook_endpoints.retry_delivery": "webhook-endpoints retry",
    "audit_events.list": "audit-events list",
    "audit_events.iter": "audit-events list --all",
    "usage.get": "usage get",
}


# ---- running -----------------------------------------------------------------------------------


def json_first(argv: list[str]) -> list[str]:
    """`kataven agents list --json` works as well as `kataven --json agents list`: the flag is
    global, so it is moved in front of the noun (never past a `--`)."""
    end = argv.index("--") if "--" in argv else len(argv)
    if "--json" not in argv[:end]:
        return argv
    return ["--json", *(a for i, a in enumerate(argv) if i >= end or a != "--json")]


def run(argv: list[str] | None = None) -> None:
    """Run the command: API errors are one stderr line and exit 1, usage errors exit 2."""
    command: Callable[..., Any] = typer.main.get_command(app)
    try:
        command(args=json_first(sys.argv[1:] if argv is None else argv), prog_name="kataven",
                standalone_mode=False)  # fmt: skip
    except KatavenError as exc:
        sys.stderr.write(f"Error: {exc.message}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        sys.exit(130)
    except Exception as exc:
        exit_code = getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":
            sys.exit(1)
        if isinstance(exit_code, int) and hasattr(exc, "show"):  # click's usage errors
            exc.show()
            sys.exit(exit_code)
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        sys.stderr.write(f"Error: {detail}\n")  # never a traceback
        sys.exit(1)
