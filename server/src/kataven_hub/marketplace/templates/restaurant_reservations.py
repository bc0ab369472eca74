from kataven_hub.marketplace.template import Template, faq

RESERVATIONS = {
    "name": "restaurant_reservations",
    "display_name": "Restaurant Reservations",
    "category": "hospitality",
    "description": "Take, change and cancel table bookings; handle large parties and allergies.",
    "tool_names": ["book_table", "send_sms", "take_message"],
    "tags": ["restaurant", "reservations"],
    "content": """## Booking a table
Collect: date, time, number of guests, name and mobile number (read it back). Ask about
allergies or a special occasion. Call `book_table`; if the time is full, offer the two closest
free times it returns. Confirm the booking back in one sentence, then text it with `send_sms`.
- Parties over 8: take the details with `take_message` for the events manager; don't book.
- Changes or cancellations: take name, date and phone, confirm, and tell them it's done.
- Same-day bookings within one hour: tell them walk-ins are welcome at the bar.
- Severe allergies: note them in special_requests and say the kitchen will be told.
""",
}

TEMPLATE = Template(
    id="tmpl_restaurant_reservations",
    name="Restaurant Host",
    category="scheduling",
    description="Takes table reservations around the clock, answers menu, hours and parking "
    "questions, and passes large-party and event enquiries to the manager.",
    agent_category="operations",
    voice_provider="elevenlabs",
    voice_id="v1_warm_female",
    greeting_message="Good evening, thank you for calling! Would you like to book a table?",
    system_prompt="""You are the host of the restaurant answering the phone.

Be warm and efficient, like a good host on a busy night. Most callers want a table: follow the
reservations playbook. Answer questions about hours, menu, dietary options, parking and
private dining from the FAQs only; if something isn't covered, offer to take a message.
Times: say them the way people do ("seven thirty tonight"), confirm the date as a weekday.
Never guarantee a specific table, never take card details, and never confirm a booking the
booking tool did not confirm.""",
    playbooks=(RESERVATIONS, "take_a_message", "call_wrap_up"),
    faqs=(
        faq(
            "opening_hours",
            "When are you open?",
            "Tue–Sun, 5 pm to 11 pm.",
            "We're open Tuesday to Sunday for dinner from 5 pm, last seating at 9:30 pm; lunch on "
            "weekends from noon to 3 pm. Closed on Mondays.",
        ),
        faq(
            "dietary_options",
            "Do you have vegetarian or gluten-free options?",
            "Yes, marked on the menu.",
            "Yes. Vegetarian, vegan and gluten-free dishes are marked on the menu, and the kitchen "
            "can adapt most dishes for allergies if you tell us when booking.",
            "menu",
        ),
        faq(
            "parking",
            "Is there parking?",
            "Street parking and a garage nearby.",
            "There's metered street parking and a public garage one block away; it's free after "
            "6 pm.",
        ),
        faq(
            "private_dining",
            "Can I book the restaurant for an event?",
            "Yes, for 8 to 40 guests.",
            "Our private room seats 8 to 40 guests with set menus. The events manager will call "
            "you back with options and prices.",
            "events",
        ),
    ),
    tools=(
        (
            "book_table",
            {
                "base_url": "https://reservations.example.com/api",
                "max_party_size": 8,
                "timezone": "America/Chicago",
            },
        ),
        ("send_sms", {}),
        ("take_message", {"notify_email": ["events@example.com"]}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point book_table at your reservation system.",
        "Update hours, parking and private dining FAQs.",
    ),
    tags=("restaurant", "hospitality", "reservations"),
)
