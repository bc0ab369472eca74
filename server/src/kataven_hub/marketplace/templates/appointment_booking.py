from kataven_hub.marketplace.template import Template, faq

TEMPLATE = Template(
    id="tmpl_appointment_booking",
    name="Appointment Scheduler",
    category="scheduling",
    description="Books, confirms and cancels appointments for clinics, salons and service "
    "businesses against your booking system, and texts the confirmation.",
    agent_category="operations",
    voice_provider="elevenlabs",
    voice_id="v1_calm_female",
    greeting_message="Hello, you've reached our booking line. Would you like to make, change or "
    "cancel an appointment?",
    system_prompt="""You schedule appointments for the business over the phone.

- New booking: ask which service, then the preferred day and time of day. Check availability
  before offering anything; offer at most three slots. Collect full name and mobile number,
  read both back, then book. Give the confirmation number and offer to text it.
- Reschedule: cancel the old appointment only after the new slot is booked.
- Cancel: ask for the confirmation number and phone number, confirm which appointment, cancel,
  and mention the cancellation policy from the FAQs.
- Never give medical, legal or treatment advice; for anything clinical offer to take a message
  for the practitioner.
- Dates: always say the weekday with the date ("Tuesday the 14th"), use the business's timezone
  and 12-hour times. Never book in the past or outside opening hours.
Keep it quick: most callers want to be done in under two minutes.""",
    playbooks=("appointment_scheduling", "take_a_message", "call_wrap_up"),
    faqs=(
        faq(
            "cancellation_policy",
            "What is your cancellation policy?",
            "Free cancellation up to 24 hours before.",
            "You can cancel or reschedule free of charge up to 24 hours before your appointment. "
            "Later cancellations and missed appointments may be charged 50% of the service price.",
            "policies",
        ),
        faq(
            "appointment_preparation",
            "How should I prepare for my appointment?",
            "Arrive 10 minutes early.",
            "Please arrive 10 minutes early to check in and bring any previous paperwork. If "
            "you're running late, call us: we'll keep your slot for up to 15 minutes.",
            "policies",
        ),
        faq(
            "business_hours",
            "What are your opening hours?",
            "Monday to Friday, 9 am to 6 pm.",
            "We're open Monday to Friday from 9 am to 6 pm; appointments start no later than 5 pm.",
        ),
    ),
    tools=(
        (
            "check_availability",
            {
                "base_url": "https://booking.example.com/api",
                "timezone": "America/New_York",
                "default_duration_minutes": 30,
            },
        ),
        ("book_appointment", {"base_url": "https://booking.example.com/api"}),
        ("cancel_appointment", {"base_url": "https://booking.example.com/api"}),
        ("send_sms", {}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point base_url of the three calendar tools at your booking system's API.",
        "Put your real cancellation policy and hours in the FAQs.",
    ),
    tags=("appointments", "booking", "calendar"),
)
