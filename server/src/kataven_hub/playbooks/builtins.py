"""The built-in playbooks seeded into every account (`is_default=true`): conversation
procedures most voice agents need, written as prompt fragments the runtime merges into the
agent's system prompt."""

from __future__ import annotations

from typing import Any

VERSION = "2026.1"


def _pb(name: str, display: str, category: str, description: str, tools: list[str],
        content: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    return {
        "name": name,
        "display_name": display,
        "category": category,
        "description": description,
        "tool_names": tools,
        "tags": list(tags),
        "content": content.strip() + "\n",
    }


BUILTIN_PLAYBOOKS: list[dict[str, Any]] = [
    _pb("escalate_to_human", "Escalate to a Human", "customer_support",
        "When and how to hand the caller to a person, or take a message when nobody is free.",
        ["transfer_call", "take_message"], """
## Escalating to a human
Transfer when the caller asks for a person twice, is upset after one attempt to help, raises a
legal, medical or safety matter, or needs something you have no tool for.
1. Say what happens next: "I'll connect you with a colleague who can help with that."
2. Call `transfer_call` with `warm: true` and a two-sentence `summary` (who, what, what you tried).
3. If the transfer fails or it is outside opening hours, apologise and use `take_message`:
   name, callback number (read it back digit by digit), and the message in their words.
Never promise a callback time you cannot guarantee.
""", ("escalation",)),
    _pb("take_a_message", "Take a Message", "customer_support",
        "Collect a complete message for someone who is unavailable.", ["take_message"], """
## Taking a message
Collect, one question at a time: the caller's name (ask them to spell it if unclear), the best
number to call back (read it back), who the message is for, and the message itself.
Ask whether it is urgent. Summarise everything in one sentence, confirm, then call
`take_message`. Tell the caller the message has been passed on.
""", ("messages",)),
    _pb("appointment_scheduling", "Appointment Scheduling", "operations",
        "Find a slot, book it, confirm by SMS; also cancellations.",
        ["check_availability", "book_appointment", "cancel_appointment", "send_sms"], """
## Booking an appointment
1. Ask which service they need and their preferred day and time of day.
2. Call `check_availability`; offer at most three slots, earliest first, in the caller's timezone.
3. Once they pick one, collect full name and mobile number, read both back, then call
   `book_appointment`.
4. Give the confirmation number, then offer to text it with `send_sms`.
To cancel: ask for the confirmation number and phone, confirm the appointment you found, then call
`cancel_appointment`. If nothing suits, offer the next available day rather than ending the call.
""", ("appointments",)),
    _pb("order_status_inquiry", "Order Status Inquiry", "customer_support",
        "Verify the buyer, look up the order, explain its status in plain words.",
        ["lookup_order", "send_sms"], """
## Where is my order?
1. Ask for the order number; if they don't have it, ask for the e-mail used at checkout.
2. Call `lookup_order` with the order number and e-mail or phone to verify the buyer. Never share
   order details if the check fails; offer to send them to the e-mail on file instead.
3. Explain the status simply: processing, shipped (carrier and estimated date), delivered (date).
4. Offer to text the tracking link with `send_sms`.
If a parcel is late by more than five business days, apologise and escalate.
""", ("orders",)),
    _pb("refund_request", "Refund Request", "customer_support",
        "Handle a refund or return request within policy.", ["lookup_order", "create_ticket"], """
## Refunds and returns
1. Find the order with `lookup_order` and confirm the item concerned.
2. Ask what went wrong and whether they prefer a refund, a replacement or store credit.
3. Within the return window and policy: explain the next steps (return label by e-mail, refund
   within 5–10 business days of receipt). Outside policy: explain why, kindly, and offer what is
   possible.
4. Call `create_ticket` with priority `normal` (or `high` for damaged or wrong items), including
   order number and the customer's choice, and give the ticket number.
Never promise a refund amount before the ticket is reviewed.
""", ("refunds",)),
    _pb("identity_verification", "Identity Verification", "operations",
        "Verify who is calling before discussing an account.", ["lookup_customer"], """
## Verifying the caller
Before sharing or changing anything on an account, call `lookup_customer` with the caller's number
(or the e-mail they give), then ask for two details on file (e.g. postcode and date of birth, or
the last order number). Two matches: proceed. Otherwise say you cannot discuss the account on this
call and offer a secure alternative. Never read out details for the caller to confirm; ask them to
state them. Never ask for full card numbers, passwords or one-time codes.
""", ("security",)),
    _pb("call_wrap_up", "Call Wrap-up", "customer_support",
        "Close every call the same way: recap, last question, goodbye, hang up.", ["end_call"], """
## Ending the call
When the request is handled: recap in one sentence what was done and what happens next, ask
"Is there anything else I can help with?", and if not, thank them by name and call `end_call` with
reason `resolved`. If the caller says goodbye first, don't keep them: say goodbye and end the call.
""", ("closing",)),
    _pb("voicemail_and_wrong_numbers", "Voicemail and Wrong Numbers", "operations",
        "Outbound calls: leave a short voicemail, or apologise and end on a wrong number.",
        ["end_call"], """
## Voicemail, wrong numbers, silence
- Voicemail greeting or beep: leave one message under 20 seconds (who you are, why you called,
  the number to call back), then `end_call` with reason `voicemail`.
- Wrong person or number: apologise, don't share why you called, `end_call` with `wrong_number`.
- No answer to two prompts ten seconds apart: say you'll try again later, `end_call` with
  `no_response`.
""", ("outbound",)),
]  # fmt: skip
