"""Login limits that fit municipalities: only failed attempts count.

Many staff of one municipality reach us through one address (NAT), so successful logins cost
nothing. Failed ones count twice: per account (LOGIN_ACCOUNT_RATE_LIMIT, from any address) and per
address (LOGIN_ADDRESS_RATE_LIMIT, much higher, against one address trying many accounts). The
counters live in the limiter's storage (Redis with REDIS_URL), so every worker sees the same count.

An attempt is counted as failed *before* the password is checked and given back when it succeeds:
concurrent guesses cannot all pass a check made before any of them was counted.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    return parse(config["LOGIN_ACCOUNT_RATE_LIMIT"]), parse(config["LOGIN_ADDRESS_RATE_LIMIT"])


def _account_key(email: str) -> str:
    # A keyed hash: the limiter's storage holds no e-mail address.
    secret = current_app.config["SECRET_KEY"].encode()
    normalised = (email or "").strip().lower().encode()
    return hmac.new(secret, normalised, hashlib.sha256).hexdigest()[:32]


def _counter() -> FixedWindowRateLimiter:
    # Fixed windows whatever RATELIMIT_STRATEGY says: they can give a count back.
    return FixedWindowRateLimiter(limiter.storage)


def lockout_minutes() -> int:
    """The account window in minutes, for the message shown to a refused person."""
    return max(1, _limits()[0].get_expiry() // 60)


@dataclass
class LoginAttempt:
    email: str
    address: str
    counted: bool = False

    def _counts(self):
        account, address = _limits()
        return (
            (account, "login-account", _account_key(self.email)),
            (address, "login-address", self.address or "unknown"),
        )

    def _change(self, cost: int) -> bool:
        counter = _counter()
        return all([counter.hit(item, *ids, cost=cost) for item, *ids in self._counts()])

    def begin(self) -> bool:
        """Count the attempt as failed; False (and nothing counted) when the account or the
        address has no failed attempts left in its window."""
        if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
            return True
        if self._change(1):
            self.counted = True
            return True
        self._change(-1)  # a refused attempt checks no password: it does not count
        return False

    def succeeded(self) -> None:
        """The password was right: the attempt costs nothing."""
        if self.counted:
            self._change(-1)
            self.counted = False


def forget_failures(email: str) -> None:
    """A new password was set from a mailed link: the owner may log in at once."""
    account, _address = _limits()
    _counter().clear(account, "login-account", _account_key(email))
