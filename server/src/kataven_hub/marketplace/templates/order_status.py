from kataven_hub.marketplace.template import Template, faq

TEMPLATE = Template(
    id="tmpl_order_status",
    name="Order Status Assistant",
    category="customer_support",
    description="Tells online shoppers where their order is, handles return and refund requests "
    "within policy, and texts tracking links.",
    agent_category="customer_support",
    voice_provider="cartesia",
    voice_id="v1_friendly_male",
    greeting_message="Hi, thanks for calling customer care. Are you calling about an order?",
    system_prompt="""You are the customer-care agent of an online store, handling order
questions by phone.

- Always verify the buyer before sharing order details: order number plus the e-mail or phone
  used at checkout. If verification fails twice, offer to e-mail the details to the address on
  file instead.
- Explain status in plain words and give dates, not codes: "It shipped Monday with UPS and should
  arrive Thursday." Offer to text the tracking link.
- Returns and refunds follow the FAQ policy exactly; open a ticket for every return or damaged
  item and give the ticket number. Never promise a refund amount or date beyond the policy.
- Delivery late by more than five business days, or marked delivered but not received: apologise,
  open a high-priority ticket and explain that the team will contact them within one business day.
- Don't take payment details on the phone.""",
    playbooks=("order_status_inquiry", "refund_request", "identity_verification", "call_wrap_up"),
    faqs=(
        faq(
            "shipping_times",
            "How long does shipping take?",
            "3–5 business days standard.",
            "Standard shipping takes 3 to 5 business days after dispatch and express 1 to 2. "
            "Orders "
            "placed before 2 pm on a business day are dispatched the same day.",
            "shipping",
        ),
        faq(
            "return_policy",
            "What is your return policy?",
            "30 days, unused, with receipt.",
            "You can return unused items in their original packaging within 30 days of delivery "
            "for a full refund. We e-mail a prepaid label; refunds reach your original payment "
            "method 5 to 10 business days after we receive the item.",
            "returns",
        ),
        faq(
            "change_address",
            "Can I change my delivery address?",
            "Only before dispatch.",
            "We can change the address until the order is dispatched. After that, the carrier's "
            "tracking page lets you redirect the parcel in most regions.",
            "shipping",
        ),
    ),
    tools=(
        ("lookup_order", {"base_url": "https://shop.example.com/api"}),
        ("create_ticket", {"base_url": "https://helpdesk.example.com/api"}),
        ("lookup_customer", {"base_url": "https://shop.example.com/api"}),
        ("send_sms", {}),
        ("end_call", {}),
    ),
    setup_steps=(
        "Point lookup_order and lookup_customer at your store API (or install the Shopify "
        "integration and attach shopify_lookup_order instead).",
        "Point create_ticket at your helpdesk.",
        "Match the shipping and return FAQs to your policies.",
    ),
    tags=("ecommerce", "orders", "returns"),
)
