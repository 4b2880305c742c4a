"""The server side: Wootric's REST API from plain CPython (install the ``server`` extra).

The browser worker never imports this package; it needs httpx, which the browser's wheel does not
bring.
"""

from .client import (
    ClientCredentials,
    CredentialsRefused,
    PasswordGrant,
    WootricClient,
    WootricError,
)

__all__ = [
    "ClientCredentials",
    "CredentialsRefused",
    "PasswordGrant",
    "WootricClient",
    "WootricError",
]
