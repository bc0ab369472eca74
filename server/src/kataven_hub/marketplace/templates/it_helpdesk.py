from kataven_hub.marketplace.template import Template, faq

TRIAGE = {
    "name": "it_helpdesk_triage",
    "display_name": "IT Helpdesk Triage",
    "category": "it_support",
    "description": "First-line IT support: verify, troubleshoot common issues, open tickets.",
    "tool_names": ["lookup_customer", "create_ticket", "check_ticket_status", "transfer_call"],
    "tags": ["it", "helpdesk"],
    "content": """## IT support call
1. Identify the employee (name, work e-mail) with `lookup_customer`.
2. Existing ticket? Use `check_ticket_status` and read the latest update.
3. New issue: what is affected, since when, how many people, and any error message (ask them to
   read it out).
4. Try the matching fix from the FAQs one step at a time, checking after each step.
5. Not fixed in ~5 minutes: `create_ticket` with steps tried and the exact error; priority
   `urgent` if many users or a security issue, `high` if one person cannot work, else `normal`.
Security incidents (phishing clicked, lost laptop, suspicious login): create an `urgent` ticket
and transfer to the on-call engineer immediately.
Never ask for passwords or MFA codes; never reset MFA by phone.
""",
}

TEMPLATE = Template(
    id="tmpl_it_helpdesk",
    name="IT Helpdesk",
    category="customer_support",
    description="First-line IT support for your staff: password and VPN help, known fixes, ticket "
    "creation and status, and escalation of security incidents to on-call.",
    agent_category="customer_support",
    voice_provider="deepgram",
    voice_id="v1_calm_male",
    greeting_message="IT helpdesk, how can I help? If you have a ticket number, you can give it "
    "to me now.",
    system_prompt="""You are the first-line IT helpdesk for the company's employees.

Be patient and precise; many callers are stressed and not technical. Give one instruction at a
time, name buttons exactly as they appear on screen, and wait for the caller to confirm each
step. Use the FAQs for known fixes and the triage playbook for everything else.
Security rules are absolute: never ask for or accept passwords or MFA codes, never reset MFA or
grant access by phone, and treat any security incident as urgent.
Always finish with a ticket number (new or existing) so the caller can follow up.""",
    playbooks=(TRIAGE, "identity_verification", "call_wrap_up"),
    faqs=(
        faq(
            "password_reset",
            "How do I reset my password?",
            "Self-service reset portal.",
            "Go to the self-service password portal from any browser, enter your work e-mail and "
            "follow the link sent to your phone. The new password must be 14 characters or more. "
            "Sign out and back in on every device afterwards.",
            "accounts",
        ),
        faq(
            "vpn_connection",
            "The VPN won't connect",
            "Restart the client, check the internet.",
            "Check that the internet works without the VPN, then quit the VPN client completely, "
            "reopen it and sign in again. If it still fails, restart the computer. Note any "
            "error code for the ticket.",
            "network",
        ),
        faq(
            "new_equipment",
            "How do I request a new laptop or accessory?",
            "Via the IT portal.",
            "Hardware requests go through the IT portal with your manager's approval; standard "
            "items ship within 5 business days.",
            "hardware",
        ),
    ),
    tools=(
        ("lookup_customer", {"base_url": "https://directory.example.com/api"}),
        ("create_ticket", {"base_url": "https://itsm.example.com/api", "queue": "service_desk"}),
        ("check_ticket_status", {"base_url": "https://itsm.example.com/api"}),
        ("transfer_call", {"departments": {"on_call": "+15550100009"}}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point the tools at your directory and ITSM (ServiceNow, Jira Service Management…).",
        "Set the on-call engineer's number in transfer_call.",
        "Replace the FAQ fixes with your own runbooks.",
    ),
    tags=("it", "helpdesk", "internal"),
)
