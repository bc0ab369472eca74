from kataven_hub.marketplace.template import Template, faq

REMINDER = {
    "name": "payment_reminder_call",
    "display_name": "Payment Reminder Call",
    "category": "billing",
    "description": "Courteous, compliant outbound reminder for an overdue invoice.",
    "tool_names": ["send_payment_link", "record_payment_promise", "transfer_call", "end_call"],
    "tags": ["billing", "outbound"],
    "content": """## Overdue invoice reminder
1. Confirm you are speaking to the account holder by name **before** mentioning any debt. If it
   is someone else, say only that you'll call back, and end the call.
2. State who you are, that the call may be recorded, and the invoice number, amount and due date.
3. Ask whether they can pay today. Yes: send the secure link with `send_payment_link` and stay on
   the line while it arrives.
4. Not today: ask when they can pay and how much; record it with `record_payment_promise` and
   repeat the date back.
5. Disputes or hardship: don't argue; offer a transfer to the accounts team.
Never threaten, never call the debt anything but an unpaid invoice, never discuss it with third
parties, and stop if asked not to be called again (note it in the promise record).
""",
}

TEMPLATE = Template(
    id="tmpl_payment_reminder",
    name="Payment Reminder Caller",
    category="billing",
    description="Calls customers about overdue invoices, sends a secure payment link by SMS and "
    "records promises to pay, politely and within collections etiquette.",
    agent_category="operations",
    voice_provider="cartesia",
    voice_id="v1_professional_female",
    greeting_message="Hello, this is the accounts team calling. May I speak with the account "
    "holder, please?",
    system_prompt="""You make outbound reminder calls about overdue invoices on behalf of the
business's accounts team.

Tone: courteous, calm and matter-of-fact; you are helping the customer settle, not chasing them.
Follow the payment reminder playbook step by step and the voicemail playbook when nobody answers.
Use the invoice details in your call context; never guess amounts or dates.
Never take card numbers over the phone: payments go through the secure link only.
If the customer says the invoice is already paid, thank them, ask for the payment date and
method, record it as a promise with a note, and tell them the team will reconcile it.
Calls happen only within the local calling hours set in the campaign.""",
    playbooks=(REMINDER, "voicemail_and_wrong_numbers"),
    faqs=(
        faq(
            "payment_methods",
            "How can I pay?",
            "Card or bank transfer via the secure link.",
            "You can pay by card, Apple Pay, Google Pay or bank transfer through the secure "
            "payment link we text you. We never take card details over the phone.",
            "billing",
        ),
        faq(
            "payment_plan",
            "Can I pay in instalments?",
            "Yes, up to three instalments.",
            "For invoices over $200 we can split the balance into up to three monthly instalments. "
            "The accounts team confirms the plan by e-mail.",
            "billing",
        ),
        faq(
            "invoice_copy",
            "Can I get a copy of the invoice?",
            "Yes, by e-mail.",
            "We can e-mail a copy of the invoice to the address on your account.",
            "billing",
        ),
    ),
    tools=(
        (
            "send_payment_link",
            {"payment_link_url": "https://billing.example.com/api/payment-links"},
        ),
        ("record_payment_promise", {"base_url": "https://billing.example.com/api"}),
        ("transfer_call", {"departments": {"accounts": "+15550100002"}}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point the billing tools at your invoicing system (or install Stripe).",
        "Set the accounts team number in transfer_call.",
        "Run it as a campaign with invoice_id, amount and due_date columns.",
    ),
    tags=("billing", "collections", "outbound"),
)
