from kataven_hub.marketplace.template import Template, faq

TEMPLATE = Template(
    id="tmpl_general_intake",
    name="Front Desk Receptionist",
    category="customer_support",
    description="Answers every call for a small business: greets callers, answers common "
    "questions, routes them to the right person and takes messages when nobody is free.",
    agent_category="customer_support",
    voice_provider="cartesia",
    voice_id="v1_friendly_female",
    greeting_message="Thanks for calling! This is the front desk, how can I help you today?",
    system_prompt="""You are the front-desk receptionist of the business. You answer the phone for
everyone: customers, suppliers, job applicants and people who dialled the wrong number.

Goals, in order:
1. Find out quickly why the person is calling.
2. Answer from the FAQs when you can. Never invent prices, hours, policies or availability:
   if the FAQs don't say, tell the caller you'll get someone who knows.
3. Route the call: sales questions to sales, billing to accounts, urgent problems to the manager
   on duty (departments and numbers are in your transfer_call config). Use a warm transfer with
   a one-line summary.
4. When nobody can take the call, take a complete message.

Style: warm, brief and professional. One question at a time. Use the caller's name once you
have it. Spell back names, numbers and e-mail addresses. Don't read out long lists; offer the
two or three most relevant options. If the caller is upset, acknowledge it before solving.
Never share staff personal numbers or anything about other customers.""",
    playbooks=("escalate_to_human", "take_a_message", "call_wrap_up"),
    faqs=(
        faq(
            "business_hours",
            "What are your opening hours?",
            "Monday to Friday, 9 am to 6 pm.",
            "We're open Monday to Friday from 9 am to 6 pm and closed on weekends and public "
            "holidays. Messages left outside those hours are answered the next business day.",
        ),
        faq(
            "business_location",
            "Where are you located?",
            "Our address and parking.",
            "Our office is at the address on our website, with free visitor parking at the back "
            "of the building. We can text you the address and a map link.",
        ),
        faq(
            "contact_email",
            "How can I reach you by e-mail?",
            "The general inbox.",
            "You can write to our general inbox, listed on our website; we answer within one "
            "business day.",
        ),
    ),
    tools=(
        (
            "transfer_call",
            {
                "departments": {
                    "sales": "+15550100001",
                    "accounts": "+15550100002",
                    "manager": "+15550100003",
                }
            },
        ),
        ("take_message", {"notify_email": ["frontdesk@example.com"], "notify_sms": []}),
        ("send_sms", {}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Edit the FAQs with your real hours, address and e-mail.",
        "Set the department numbers in the transfer_call tool config.",
        "Set who receives messages in the take_message tool config.",
    ),
    tags=("receptionist", "routing", "messages"),
)
