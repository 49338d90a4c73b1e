"""Who may use a served seat: pure rules, no I/O (the server applies them to each request).

- On a loopback address (127.0.0.1, ::1, localhost) only this machine can connect; a
  request must still name a loopback host (a web page that points its own domain at
  127.0.0.1, DNS rebinding, is refused) and, when the browser sends an Origin, come from
  the served page itself (another site cannot open the facilitator seat's websocket).
- On any other address (`--host`) every request also needs the one-time token that
  `serve` printed: the page asks for it, and once given it is kept in a cookie for this
  server (HttpOnly, SameSite=Strict). A request without it is refused (403).
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

__all__ = ["Verdict", "Policy", "decide", "is_loopback", "new_token", "host_name", "cookie_name"]

TOKEN_FIELD = "token"
# The pages that answer a missing token with a form asking for it (everything else: a bare 403).
PAGES = frozenset({"/", "/projector", "/facilitator"})


class Verdict(Enum):
    ALLOW = "allow"
    LOGIN = "login"    # the token is right: set the cookie, send the browser back to the page
    ASK = "ask"        # 403, with a form that asks for the token
    REFUSE = "refuse"  # 403


def new_token() -> str:
    """A fresh random token (printed once when the server starts, kept nowhere)."""
    return secrets.token_urlsafe(18)


def host_name(host: str) -> str:
    """The host name of a Host header or an address: without port or IPv6 brackets, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host


def is_loopback(host: str) -> bool:
    name = host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cookie_name(port: int) -> str:
    """One cookie per port: cookies are not kept apart by port, two servers' tokens must be."""
    return f"facilitator_serve_{port}"


@dataclass(frozen=True)
class Policy:
    require_token: bool
    token: str = ""

    def __post_init__(self) -> None:
        if self.require_token and len(self.token) < 16:
            raise ValueError("a token of at least 16 characters is needed")


def _same(given: str | None, token: str) -> bool:
    return bool(given) and secrets.compare_digest(given.encode(), token.encode())  # type: ignore[union-attr]


def decide(policy: Policy, *, method: str, path: str, host: str, origin: str | None,
           cookie: str | None, form_token: str | None = None) -> Verdict:
    """The verdict on one request. `host` is its Host header, `origin` its Origin header (if
    any), `cookie` the value of this server's token cookie, `form_token` the token posted
    from the form."""
    if not policy.require_token and not is_loopback(host or ""):
        return Verdict.REFUSE
    if origin is not None and origin != "null":
        if urlsplit(origin).netloc.lower() != (host or "").lower():
            return Verdict.REFUSE
    elif origin == "null":
        return Verdict.REFUSE
    if not policy.require_token:
        return Verdict.ALLOW
    if _same(cookie, policy.token):
        return Verdict.ALLOW
    if method == "POST" and path in PAGES and _same(form_token, policy.token):
        return Verdict.LOGIN
    if method in ("GET", "HEAD", "POST") and path in PAGES:
        return Verdict.ASK
    return Verdict.REFUSE
