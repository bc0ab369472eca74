"""The marketplace catalogue: one module per template, in display order."""

from kataven_hub.marketplace.template import Template
from kataven_hub.marketplace.templates import (
    appointment_booking,
    customer_survey,
    general_intake,
    it_helpdesk,
    lead_qualification,
    order_status,
    payment_reminder,
    restaurant_reservations,
)

TEMPLATES: tuple[Template, ...] = tuple(
    m.TEMPLATE
    for m in (
        general_intake,
        appointment_booking,
        order_status,
        lead_qualification,
        payment_reminder,
        customer_survey,
        restaurant_reservations,
        it_helpdesk,
    )
)
BY_ID = {t.id: t for t in TEMPLATES}
