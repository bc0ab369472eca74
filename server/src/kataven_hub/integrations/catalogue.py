"""The integrations that ship with the product: the credentials each needs (checked for shape,
never echoed) and the HTTP tools it brings. A tool's URL and headers are templates the Call
Processor fills from the decrypted credentials (`{secret_key}`…) and the call arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CredentialKey:
    name: str
    label: str
    pattern: re.Pattern[str]
    hint: str  # shown in errors instead of the value


@dataclass(frozen=True)
class Integration:
    id: str
    name: str
    display_name: str
    category: str
    description: str
    docs_url: str
    credential_keys: tuple[CredentialKey, ...]
    tools: tuple[dict[str, Any], ...]


def _tool(
    name: str, display: str, description: str, method: str, url: str, headers: dict[str, str],
    required: list[str], **props: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "name": name,
        "display_name": display,
        "category": name.split("_", 1)[0],
        "description": description,
        "args_schema": {"type": "object", "properties": props, "required": required},
        "implementation_type": "http",
        "implementation_config": {
            "method": method,
            "url": url,
            "headers": headers,
            "timeout_seconds": 10,
        },
        "implementation_code": "",
        "tags": ["integration", name.split("_", 1)[0]],
    }


def _s(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


_STRIPE = {"Authorization": "Bearer {secret_key}"}
_SHOPIFY = {"X-Shopify-Access-Token": "{access_token}", "Content-Type": "application/json"}
_SHOP_API = "https://{shop_domain}/admin/api/2024-10"
_SLACK = {"Authorization": "Bearer {bot_token}", "Content-Type": "application/json; charset=utf-8"}

CATALOGUE: tuple[Integration, ...] = (
    Integration(
        "intg_stripe", "stripe", "Stripe", "payments",
        "Look up customers and invoices, send payment links and refund payments during a call.",
        "https://docs.stripe.com/api",
        (CredentialKey("secret_key", "Secret or restricted API key",
                       re.compile(r"^[sr]k_(live|test)_[A-Za-z0-9]{10,250}$"),
                       "a Stripe secret or restricted key (sk_live_…, sk_test_…, rk_…)"),),
        (
            _tool("stripe_find_customer", "Find Stripe Customer",
                  "Find the caller's Stripe customer by e-mail.", "GET",
                  "https://api.stripe.com/v1/customers/search?query=email:'{email}'", _STRIPE,
                  ["email"], email=_s("Customer e-mail", format="email")),
            _tool("stripe_list_open_invoices", "List Open Invoices",
                  "List a customer's unpaid invoices with amounts and due dates.", "GET",
                  "https://api.stripe.com/v1/invoices?customer={customer_id}&status=open", _STRIPE,
                  ["customer_id"], customer_id=_s("Stripe customer id (cus_…)")),
            _tool("stripe_create_payment_link", "Create Payment Link",
                  "Create a payment link for a price, to text to the caller.", "POST",
                  "https://api.stripe.com/v1/payment_links", _STRIPE, ["price_id"],
                  price_id=_s("Stripe price id (price_…)"),
                  quantity={"type": "integer", "minimum": 1, "maximum": 100, "default": 1}),
            _tool("stripe_refund_payment", "Refund Payment",
                  "Refund a payment in full or in part.", "POST",
                  "https://api.stripe.com/v1/refunds", _STRIPE, ["payment_intent"],
                  payment_intent=_s("Payment intent id (pi_…)"),
                  amount={"type": "integer", "minimum": 1, "description": "Smallest currency unit"},
                  reason=_s("Reason", enum=["duplicate", "fraudulent", "requested_by_customer"])),
        ),
    ),
    Integration(
        "intg_shopify", "shopify", "Shopify", "ecommerce",
        "Answer order, customer and stock questions from a Shopify store; cancel orders.",
        "https://shopify.dev/docs/api/admin-rest",
        (CredentialKey("shop_domain", "Store domain",
                       re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$"),
                       "the store's <name>.myshopify.com domain"),
         CredentialKey("access_token", "Admin API access token",
                       re.compile(r"^shp(at|ca|pa)_[A-Za-z0-9]{16,128}$"),
                       "an Admin API access token (shpat_…)")),
        (
            _tool("shopify_lookup_order", "Look Up Shopify Order",
                  "Find an order by its number (#1001) with status, items and tracking.", "GET",
                  _SHOP_API + "/orders.json?name={order_number}&status=any", _SHOPIFY,
                  ["order_number"], order_number=_s("Order number as shown to the buyer")),
            _tool("shopify_find_customer", "Find Shopify Customer",
                  "Find a customer by e-mail or phone.", "GET",
                  _SHOP_API + "/customers/search.json?query={query}", _SHOPIFY, ["query"],
                  query=_s("e.g. email:jane@example.com or phone:+15551234567")),
            _tool("shopify_check_inventory", "Check Inventory",
                  "Check whether a product is in stock, by title.", "GET",
                  _SHOP_API + "/products.json?title={product_title}&fields=id,title,variants",
                  _SHOPIFY, ["product_title"], product_title=_s("Product title")),
            _tool("shopify_cancel_order", "Cancel Shopify Order",
                  "Cancel an unfulfilled order (restocks items, refunds per store settings).",
                  "POST",
                  _SHOP_API + "/orders/{order_id}/cancel.json", _SHOPIFY, ["order_id", "reason"],
                  order_id={"type": "integer", "description": "Shopify order id"},
                  reason=_s("Reason",
                            enum=["customer", "inventory", "fraud", "declined", "other"])),
        ),
    ),
    Integration(
        "intg_slack", "slack", "Slack", "communication",
        "Notify your team in Slack: escalations, messages and hot leads, as they happen.",
        "https://api.slack.com/methods",
        (CredentialKey("bot_token", "Bot user OAuth token",
                       re.compile(r"^xoxb-[A-Za-z0-9-]{10,250}$"), "a bot token (xoxb-…)"),),
        (
            _tool("slack_post_message", "Post to Slack",
                  "Post a message to a channel the bot is in.", "POST",
                  "https://slack.com/api/chat.postMessage", _SLACK, ["channel", "text"],
                  channel=_s("Channel id or name, e.g. #front-desk"),
                  text=_s("Message (Slack mrkdwn)", maxLength=4000)),
            _tool("slack_find_user", "Find Slack User", "Find a workspace member by e-mail.",
                  "GET", "https://slack.com/api/users.lookupByEmail?email={email}", _SLACK,
                  ["email"], email=_s("Member e-mail", format="email")),
        ),
    ),
)  # fmt: skip

_BY_REF = {i.id: i for i in CATALOGUE} | {i.name: i for i in CATALOGUE}


def find(ref: str) -> Integration | None:
    """By id (`intg_stripe`) or name (`stripe`)."""
    return _BY_REF.get(ref)
