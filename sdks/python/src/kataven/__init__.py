"""The Python SDK of the Kataven Hub API.

from kataven import KatavenClient
with KatavenClient() as client:              # KATAVEN_API_KEY, KATAVEN_BASE_URL
    agent = client.agents.create(name="Front desk")
"""

from kataven._base import NOT_GIVEN, NotGiven
from kataven._client import AsyncKatavenClient, KatavenClient
from kataven._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CostCapError,
    InternalServerError,
    KatavenError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from kataven._streaming import CampaignEvent
from kataven._version import __version__

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncKatavenClient",
    "AuthenticationError",
    "BadRequestError",
    "CampaignEvent",
    "ConflictError",
    "CostCapError",
    "InternalServerError",
    "KatavenClient",
    "KatavenError",
    "NotFoundError",
    "NotGiven",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
    "__version__",
]
