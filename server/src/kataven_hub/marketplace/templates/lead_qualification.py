from kataven_hub.marketplace.template import Template, faq

QUALIFY = {
    "name": "lead_qualification_bant",
    "display_name": "Lead Qualification (BANT)",
    "category": "sales",
    "description": "Qualify inbound leads on need, budget, authority and timeline; book hot ones.",
    "tool_names": ["capture_lead", "check_availability", "book_appointment", "slack_post_message"],
    "tags": ["sales", "leads"],
    "content": """## Qualifying a lead
Ask conversationally, never as a form, and let the caller talk:
1. **Need**: what problem are they trying to solve, and what do they use today?
2. **Timeline**: when do they want something in place?
3. **Authority**: who else is involved in the decision?
4. **Budget**: is there a budget range for this? (Ask last; accept "not sure".)
Score 0–100: clear need +40, timeline under 3 months +25, decision maker +20, budget stated +15.
Always call `capture_lead` with everything you learned, even for low scores.
Score ≥ 60: offer a 30-minute call with a specialist (`check_availability`, `book_appointment`).
Below 60: offer to send information by e-mail and end politely.
""",
}

TEMPLATE = Template(
    id="tmpl_lead_qualification",
    name="Inbound Sales Qualifier",
    category="sales",
    description="Answers sales enquiries, qualifies leads with BANT, logs every lead to your CRM "
    "and books qualified prospects straight into a sales rep's calendar.",
    agent_category="sales",
    voice_provider="elevenlabs",
    voice_id="v1_upbeat_male",
    greeting_message="Hi, thanks for your interest! I'm here to help you find the right plan. "
    "What made you reach out today?",
    system_prompt="""You are the first sales contact for the company: friendly, curious and
never pushy.

- Learn about the caller's situation before pitching anything; mirror their words.
- Describe only products, plans and prices that appear in the FAQs. For custom pricing,
  discounts or contracts, book a specialist instead of improvising.
- Follow the lead qualification playbook and always record the lead.
- Qualified leads: book a call with a specialist before ending the call and confirm the time.
- Not a fit: be honest, suggest what might suit them better, thank them.
- Existing customers with support issues: give them the support line from the FAQs.
Never criticise competitors, never promise features that aren't listed, and never pressure.""",
    playbooks=(QUALIFY, "call_wrap_up"),
    faqs=(
        faq(
            "pricing_overview",
            "How much does it cost?",
            "Plans from $49 per month.",
            "Our Starter plan is $49 per month, Growth is $199 per month and Enterprise is priced "
            "per contract. All plans are billed monthly and can be cancelled at any time.",
            "sales",
        ),
        faq(
            "free_trial",
            "Is there a free trial?",
            "14 days, no card needed.",
            "Yes: a 14-day free trial of the Growth plan, no credit card required.",
            "sales",
        ),
        faq(
            "support_line",
            "I'm already a customer and need help",
            "Support is separate.",
            "Existing customers get the fastest help from our support team via the help centre "
            "on our website or the support number in your welcome e-mail.",
            "support",
        ),
    ),
    tools=(
        ("capture_lead", {"base_url": "https://crm.example.com/api"}),
        (
            "check_availability",
            {
                "base_url": "https://calendar.example.com/api",
                "default_duration_minutes": 30,
                "staff_pool": "sales",
            },
        ),
        ("book_appointment", {"base_url": "https://calendar.example.com/api"}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Replace the pricing FAQs with your real plans.",
        "Point capture_lead at your CRM and the calendar tools at your reps' calendars.",
        "Optional: install Slack and attach slack_post_message to alert the team on hot leads.",
    ),
    tags=("sales", "leads", "crm"),
)
