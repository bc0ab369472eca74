"""The built-in tools seeded into every account (`is_default=true`).

Call-control and messaging tools are Python run by the Call Processor's sandbox against its
`context` (the live call, the agent's per-tool `config`, SMS and e-mail senders). Tools that
reach a business system are HTTP: the URL and headers are templates filled from the agent's
tool config (`{base_url}`, `{api_token}`…) and the arguments; the body is the arguments as JSON.
"""

from __future__ import annotations

import textwrap
from typing import Any

VERSION = "2026.1"

E164 = {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$", "description": "E.164 number"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _http(method: str, path: str) -> dict[str, Any]:
    return {
        "method": method,
        "url": "{base_url}" + path,
        "headers": {"Authorization": "Bearer {api_token}", "Content-Type": "application/json"},
        "timeout_seconds": 10,
    }


def _s(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _py(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def _tool(
    name: str, display: str, category: str, description: str, schema: dict[str, Any], *,
    code: str = "", http: dict[str, Any] | None = None, tags: tuple[str, ...] = (),
) -> dict[str, Any]:  # fmt: skip
    return {
        "name": name,
        "display_name": display,
        "category": category,
        "description": description,
        "args_schema": schema,
        "implementation_type": "http" if http else "python",
        "implementation_config": http or {},
        "implementation_code": code,
        "tags": list(tags),
    }


BUILTIN_TOOLS: list[dict[str, Any]] = [
    _tool(
        "end_call", "End Call", "call_control",
        "Say a short goodbye and hang up once the caller's request is resolved, the caller asks "
        "to end the call, or the call reached voicemail or a wrong number.",
        _obj(["reason"],
             reason=_s("Why the call ends", enum=["resolved", "caller_request", "voicemail",
                                                  "wrong_number", "abusive", "no_response"]),
             farewell_message=_s("What to say before hanging up", maxLength=500)),
        code=_py("""
            def run(args, context):
                if args.get('farewell_message'):
                    context.call.say(args['farewell_message'])
                context.call.hangup(reason=args['reason'])
                return {'ended': True}
        """),
        tags=("call", "core"),
    ),
    _tool(
        "transfer_call", "Transfer Call", "call_control",
        "Transfer the caller to a person or department. Warm transfers read the summary to the "
        "person answering before connecting the caller.",
        _obj(["destination"],
             destination={**E164, "description": "Number to transfer to (E.164)"},
             department=_s("Department name, when the agent config maps departments to numbers"),
             warm={"type": "boolean", "default": False},
             summary=_s("One-paragraph summary for the person answering", maxLength=1000)),
        code=_py("""
            def run(args, context):
                departments = context.config.get('departments', {})
                to = departments.get(args.get('department')) or args['destination']
                context.call.transfer(to, warm=args.get('warm', False), whisper=args.get('summary'))
                return {'transferred_to': to}
        """),
        tags=("call", "core"),
    ),
    _tool(
        "send_sms", "Send SMS", "messaging",
        "Send a text message to the caller or another number, e.g. a confirmation, an address or "
        "a link. Defaults to the caller's number.",
        _obj(["body"], to={**E164, "description": "Recipient; defaults to the caller"},
             body=_s("Message text", minLength=1, maxLength=1600)),
        code=_py("""
            def run(args, context):
                to = args.get('to') or context.call.caller_number
                sid = context.sms.send(to=to, body=args['body'])
                return {'sent': True, 'message_id': sid}
        """),
        tags=("sms",),
    ),
    _tool(
        "send_email", "Send Email", "messaging",
        "Send an e-mail, e.g. a summary or a confirmation, from the account's sender address.",
        _obj(["to", "subject", "body"], to=_s("Recipient address", format="email"),
             subject=_s("Subject line", maxLength=200),
             body=_s("Plain-text body", maxLength=20000)),
        code=_py("""
            def run(args, context):
                mid = context.email.send(to=args['to'], subject=args['subject'], text=args['body'])
                return {'sent': True, 'message_id': mid}
        """),
        tags=("email",),
    ),
    _tool(
        "take_message", "Take a Message", "messaging",
        "Record a message for someone who is unavailable and notify them by e-mail or SMS "
        "(recipients come from the agent's tool config).",
        _obj(["caller_name", "callback_number", "message"], caller_name=_s("Caller's name"),
             callback_number=E164, message=_s("The message", maxLength=4000),
             for_person=_s("Who the message is for"),
             urgency=_s("How urgent", enum=["low", "normal", "high"])),
        code=_py("""
            def run(args, context):
                who = f"{args['caller_name']} ({args['callback_number']})"
                text = f"Message from {who}: {args['message']}"
                for to in context.config.get('notify_sms', []):
                    context.sms.send(to=to, body=text[:1600])
                for to in context.config.get('notify_email', []):
                    context.email.send(to=to, subject='New phone message', text=text)
                return {'recorded': True}
        """),
        tags=("messages",),
    ),
    _tool(
        "lookup_order", "Look Up Order", "ecommerce",
        "Find an order by its number (optionally checked against the buyer's e-mail or phone) and "
        "return its status, items, tracking number and estimated delivery date.",
        _obj(["order_id"], order_id=_s("Order number as the customer reads it", maxLength=64),
             email=_s("Buyer's e-mail, to verify identity", format="email"), phone=E164),
        http=_http("GET", "/orders/{order_id}"), tags=("orders",),
    ),
    _tool(
        "check_availability", "Check Availability", "calendar",
        "List open appointment slots for a service on a date (or the next days).",
        _obj(["date"], date=_s("Day to search, YYYY-MM-DD", format="date"),
             service=_s("Service or appointment type"),
             duration_minutes={"type": "integer", "minimum": 5, "maximum": 480},
             days_ahead={"type": "integer", "minimum": 0, "maximum": 30, "default": 0},
             staff=_s("Preferred staff member")),
        http=_http("GET", "/availability"), tags=("appointments",),
    ),
    _tool(
        "book_appointment", "Book Appointment", "calendar",
        "Book an appointment in an open slot and return its confirmation number.",
        _obj(["name", "phone", "start_time"], name=_s("Customer's full name"), phone=E164,
             email=_s("Customer's e-mail", format="email"),
             start_time=_s("Slot start, RFC 3339 with offset", format="date-time"),
             duration_minutes={"type": "integer", "minimum": 5, "maximum": 480},
             service=_s("Service or appointment type"), notes=_s("Notes", maxLength=2000)),
        http=_http("POST", "/appointments"), tags=("appointments",),
    ),
    _tool(
        "cancel_appointment", "Cancel Appointment", "calendar",
        "Cancel an existing appointment, identified by confirmation number and phone.",
        _obj(["appointment_id", "phone"], appointment_id=_s("Confirmation number"), phone=E164,
             reason=_s("Reason given by the caller", maxLength=500)),
        http=_http("POST", "/appointments/{appointment_id}/cancel"), tags=("appointments",),
    ),
    _tool(
        "schedule_callback", "Schedule Callback", "calendar",
        "Schedule a call back to the caller at a time that suits them.",
        _obj(["phone", "preferred_time"], phone=E164,
             preferred_time=_s("When to call, RFC 3339", format="date-time"),
             reason=_s("What the callback is about", maxLength=1000)),
        http=_http("POST", "/callbacks"), tags=("callbacks",),
    ),
    _tool(
        "create_ticket", "Create Support Ticket", "support",
        "Open a support ticket with the caller's issue and return its ticket number.",
        _obj(["subject", "description"], subject=_s("Short summary", maxLength=200),
             description=_s("What happened, steps tried", maxLength=10000),
             priority=_s("Priority", enum=["low", "normal", "high", "urgent"]),
             caller_name=_s("Caller's name"), caller_email=_s("Caller's e-mail", format="email"),
             caller_phone=E164, category=_s("Issue category")),
        http=_http("POST", "/tickets"), tags=("tickets",),
    ),
    _tool(
        "check_ticket_status", "Check Ticket Status", "support",
        "Read the status, assignee and latest update of a support ticket.",
        _obj(["ticket_id"], ticket_id=_s("Ticket number")),
        http=_http("GET", "/tickets/{ticket_id}"), tags=("tickets",),
    ),
    _tool(
        "lookup_customer", "Look Up Customer", "crm",
        "Find the caller's customer record by phone number or e-mail.",
        {**_obj([], phone=E164, email=_s("E-mail", format="email")),
         "anyOf": [{"required": ["phone"]}, {"required": ["email"]}]},
        http=_http("GET", "/customers/search"), tags=("crm",),
    ),
    _tool(
        "capture_lead", "Capture Lead", "crm",
        "Save a qualified lead to the CRM with the answers gathered on the call.",
        _obj(["name", "phone"], name=_s("Contact name"), phone=E164,
             email=_s("E-mail", format="email"), company=_s("Company"),
             need=_s("What they are looking for", maxLength=2000), budget=_s("Stated budget"),
             timeline=_s("When they want to start"),
             decision_maker={"type": "boolean"},
             score={"type": "integer", "minimum": 0, "maximum": 100}),
        http=_http("POST", "/leads"), tags=("leads",),
    ),
    _tool(
        "send_payment_link", "Send Payment Link", "billing",
        "Text the caller a secure link to pay an invoice (the link comes from the billing system; "
        "card numbers are never taken over the phone).",
        _obj(["invoice_id"], invoice_id=_s("Invoice number"),
             to={**E164, "description": "Defaults to the caller"}),
        code=_py("""
            def run(args, context):
                link = context.http.post(context.config['payment_link_url'],
                                         json={'invoice_id': args['invoice_id']}).json()['url']
                to = args.get('to') or context.call.caller_number
                context.sms.send(to=to, body=f'Pay invoice {args["invoice_id"]} securely: {link}')
                return {'sent': True}
        """),
        tags=("payments",),
    ),
    _tool(
        "record_payment_promise", "Record Payment Promise", "billing",
        "Record the date and amount a customer promises to pay an overdue invoice.",
        _obj(["invoice_id", "promised_date"], invoice_id=_s("Invoice number"),
             promised_date=_s("YYYY-MM-DD", format="date"),
             amount={"type": "number", "exclusiveMinimum": 0},
             note=_s("Anything the customer said", maxLength=2000)),
        http=_http("POST", "/invoices/{invoice_id}/promises"), tags=("payments",),
    ),
    _tool(
        "record_survey_response", "Record Survey Response", "feedback",
        "Store one answer of a phone survey.",
        _obj(["question_id", "answer"], question_id=_s("Question key, e.g. nps"),
             answer=_s("The answer in the caller's words", maxLength=4000),
             score={"type": "integer", "minimum": 0, "maximum": 10}),
        http=_http("POST", "/survey-responses"), tags=("surveys",),
    ),
    _tool(
        "book_table", "Book Table", "hospitality",
        "Reserve a restaurant table and return the confirmation, or the nearest free times.",
        _obj(["name", "phone", "party_size", "date", "time"], name=_s("Guest name"), phone=E164,
             party_size={"type": "integer", "minimum": 1, "maximum": 50},
             date=_s("YYYY-MM-DD", format="date"),
             time=_s("HH:MM, 24 h", pattern=r"^[0-2][0-9]:[0-5][0-9]$"),
             special_requests=_s("Allergies, occasion, seating", maxLength=1000)),
        http=_http("POST", "/reservations"), tags=("reservations",),
    ),
    _tool(
        "http_request", "HTTP Request", "utility",
        "Call an HTTP API allowed by the agent's tool config (`allowed_hosts`) and return the "
        "status and JSON body.",
        _obj(["method", "url"],
             method=_s("HTTP method", enum=["GET", "POST", "PUT", "PATCH", "DELETE"]),
             url=_s("Absolute https URL", format="uri", maxLength=2048),
             headers={"type": "object", "additionalProperties": {"type": "string"}},
             query={"type": "object", "additionalProperties": {"type": "string"}},
             body={"type": "object"}),
        code=_py("""
            def run(args, context):
                host = context.url_host(args['url'])
                if host not in context.config.get('allowed_hosts', []):
                    return {'error': f'host {host} is not allowed'}
                r = context.http.request(
                    args['method'], args['url'], headers=args.get('headers'),
                    params=args.get('query'), json=args.get('body'), timeout=10,
                )
                return {'status': r.status_code, 'body': r.json_or_text()}
        """),
        tags=("http",),
    ),
]  # fmt: skip
