from kataven_hub.marketplace.template import Template, faq

SURVEY = {
    "name": "phone_survey_nps",
    "display_name": "Phone Survey (NPS + follow-up)",
    "category": "feedback",
    "description": "A three-question satisfaction survey with a follow-up on low scores.",
    "tool_names": ["record_survey_response", "create_ticket", "end_call"],
    "tags": ["survey", "nps"],
    "content": """## Running the survey
Ask for two minutes of their time; if they decline, thank them and end the call.
1. `nps`: "On a scale from 0 to 10, how likely are you to recommend us to a friend?"
2. `reason`: "What's the main reason for your score?"
3. `improve`: "What is one thing we could do better?"
Record each answer with `record_survey_response` as soon as it is given (score only for `nps`).
Never argue with or explain away feedback. Scores 0–6: apologise, ask whether they'd like someone
to contact them; if yes, `create_ticket` with priority `high` and their words.
Thank them and end the call.
""",
}

TEMPLATE = Template(
    id="tmpl_customer_survey",
    name="Customer Satisfaction Survey",
    category="feedback",
    description="Calls recent customers for a two-minute NPS survey, records every answer and "
    "raises a follow-up ticket for unhappy customers.",
    agent_category="operations",
    voice_provider="deepgram",
    voice_id="v1_warm_female",
    greeting_message="Hi, this is a quick call from the customer experience team. Do you have "
    "two minutes to tell us how we did?",
    system_prompt="""You run short customer-satisfaction surveys by phone after a purchase or a
service visit.

Be brief, neutral and grateful. Read questions exactly as written in the survey playbook so the
answers are comparable, but accept free-form answers and convert clear numbers to scores.
Don't lead the customer ("you were happy, right?"). If they raise a problem that needs action,
promise only a follow-up, not a fix. If the person is busy, offer to call back another time or
end the call. Leave no voicemail about the survey beyond one short sentence.""",
    playbooks=(SURVEY, "voicemail_and_wrong_numbers"),
    faqs=(
        faq(
            "survey_purpose",
            "Why are you calling me?",
            "A short survey about a recent visit.",
            "You recently bought from or visited us, and we call a few customers each week to ask "
            "how it went. It takes two minutes and your answers help us improve.",
            "survey",
        ),
        faq(
            "survey_privacy",
            "What happens with my answers?",
            "Used only to improve service.",
            "Your answers are used only to improve our service; they're never sold or used for "
            "marketing. You can ask us not to call you for surveys again.",
            "survey",
        ),
    ),
    tools=(
        (
            "record_survey_response",
            {"base_url": "https://feedback.example.com/api", "survey_id": "post_purchase_nps"},
        ),
        ("create_ticket", {"base_url": "https://helpdesk.example.com/api"}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point record_survey_response at where you store survey results.",
        "Run as a campaign over last week's customers.",
    ),
    tags=("survey", "nps", "feedback", "outbound"),
)
