"""The access rules of `facilitator serve`, without a server (facilitator.tui.web.access)."""

from __future__ import annotations

import pytest

from facilitator.tui.web.access import Policy, Verdict, decide, host_name, is_loopback, new_token

TOKEN = "k" * 24
OPEN = Policy(require_token=False)
GUARDED = Policy(require_token=True, token=TOKEN)


def ask(policy, path="/projector", method="GET", host="127.0.0.1:8000", origin=None, cookie=None, form=None):
    return decide(policy, method=method, path=path, host=host, origin=origin, cookie=cookie, form_token=form)


@pytest.mark.parametrize("host, loop", [
    ("127.0.0.1", True), ("127.0.0.1:8000", True), ("127.8.9.1", True), ("[::1]:8000", True), ("::1", True),
    ("localhost:8000", True), ("LOCALHOST", True), ("192.168.1.20", False), ("0.0.0.0", False), ("::", False),
    ("[fe80::1]:80", False), ("example.org:8000", False), ("localhost.example.org", False), ("", False),
])
def test_loopback_addresses(host, loop):
    assert is_loopback(host) is loop


def test_host_name_strips_port_and_brackets():
    assert host_name("[::1]:8000") == "::1"
    assert host_name("Example.org:80") == "example.org"
    assert host_name("fe80::1") == "fe80::1"


def test_tokens_are_random_and_long_enough():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 16 for t in tokens)
    with pytest.raises(ValueError):
        Policy(require_token=True, token="")


def test_loopback_without_token_allows_this_machine():
    assert ask(OPEN) is Verdict.ALLOW
    assert ask(OPEN, path="/projector/ws", origin="http://127.0.0.1:8000") is Verdict.ALLOW
    assert ask(OPEN, host="localhost:8000", origin="http://localhost:8000") is Verdict.ALLOW


@pytest.mark.parametrize("host, origin", [
    ("evil.example:8000", None),                      # DNS rebinding: a foreign name pointed at 127.0.0.1
    ("127.0.0.1:8000", "http://evil.example"),        # another site opening the seat's websocket
    ("127.0.0.1:8000", "http://127.0.0.1:9999"),      # another local server's page
    ("127.0.0.1:8000", "null"),                       # a sandboxed or file: page
])
def test_loopback_refuses_other_sites(host, origin):
    assert ask(OPEN, path="/facilitator/ws", host=host, origin=origin) is Verdict.REFUSE


def test_without_the_token_pages_ask_and_everything_else_is_refused():
    assert ask(GUARDED) is Verdict.ASK
    assert ask(GUARDED, path="/") is Verdict.ASK
    assert ask(GUARDED, path="/projector/ws") is Verdict.REFUSE
    assert ask(GUARDED, path="/static/js/textual.js") is Verdict.REFUSE
    assert ask(GUARDED, cookie="wrong" * 5) is Verdict.ASK
    assert ask(GUARDED, method="POST", form="wrong") is Verdict.ASK
    assert ask(GUARDED, path="/projector/ws", cookie=TOKEN[:-1]) is Verdict.REFUSE


def test_the_token_lets_in_from_any_host_name():
    host = "192.168.1.20:8000"
    assert ask(GUARDED, method="POST", host=host, origin=f"http://{host}", form=TOKEN) is Verdict.LOGIN
    assert ask(GUARDED, path="/projector/ws", host=host, origin=f"http://{host}", cookie=TOKEN) is Verdict.ALLOW
    assert ask(GUARDED, path="/static/css/xterm.css", host=host, cookie=TOKEN) is Verdict.ALLOW
    # ... but not from another site, token or not.
    assert ask(GUARDED, path="/projector/ws", host=host, origin="http://evil.example", cookie=TOKEN) is Verdict.REFUSE
    # A token in a POST to something that is not a page does not log in.
    assert ask(GUARDED, method="POST", path="/projector/ws", host=host, form=TOKEN) is Verdict.REFUSE
