"""`facilitator serve`: what it checks, what it prints, and that it starts and stops (on
127.0.0.1 only; another address is never bound here, the server is replaced instead)."""

from __future__ import annotations

import importlib.util
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

SLUG = "holtenbroek-2025"


@pytest.fixture
def demo(run):
    code, _, err = run("demo")
    assert code == 0, err
    return SLUG


def test_without_the_extra_one_line_says_how_to_install_it(run, demo, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "textual_serve" else real(name, *a))
    code, out, err = run("serve", demo)
    assert code == 2 and out == ""
    assert err.strip() == "facilitator: serve needs the serve extra (textual-serve): pip install 'facilitator[serve]'"


@pytest.fixture
def fake_serve(monkeypatch):
    pytest.importorskip("textual_serve", reason="needs the serve extra: pip install '.[serve]'")
    from facilitator.web import server

    served = []

    def serve(config, host, port, ready):
        served.append((config, host, port))
        ready(port or 40123)
        return 0

    monkeypatch.setattr(server, "serve", serve)
    return served


def test_loopback_serves_without_a_token(run, demo, fake_serve):
    code, out, err = run("--lang", "en", "serve", demo, "--session", "2")
    assert code == 0, err
    (config, host, port), = fake_serve
    assert (host, port) == ("127.0.0.1", 8000) and not config.policy.require_token
    assert "http://127.0.0.1:8000/projector" in out and "token" not in out
    assert set(config.commands) == {"projector", "facilitator"}
    projector, facilitator = (shlex.split(config.commands[s]) for s in ("projector", "facilitator"))
    assert projector[0] == "exec" and projector[-4:] == ["show", SLUG, "--session", "2"]
    assert facilitator[-4:] == ["run", SLUG, "--session", "2"]
    assert projector[projector.index("--lang") + 1] == "en"


def test_another_address_prints_a_one_time_token_and_requires_it(run, demo, fake_serve):
    code, out, _ = run("serve", demo, "--host", "192.168.1.20", "--port", "8123")
    code2, out2, _ = run("serve", demo, "--host", "::")
    assert code == code2 == 0
    (first, host, port), (second, host2, _) = fake_serve
    assert (host, port, host2) == ("192.168.1.20", 8123, "::")
    assert first.policy.require_token and second.policy.require_token
    assert first.policy.token != second.policy.token and len(first.policy.token) >= 16
    assert f"token (asked by the page, valid until this server stops): {first.policy.token}" in out
    assert "http://192.168.1.20:8123/" in out and "http://[::]:8000/" in out2


@pytest.mark.parametrize("args, message", [
    (["serve", "nope"], "no workshop 'nope'"),
    (["serve", SLUG, "--session", "9"], "no session 9 in 'holtenbroek-2025'"),
    (["serve", SLUG, "--port", "70000"], "--port: 70000 is not a port"),
    (["serve", SLUG, "--warn", "soon"], "--warn: expected minutes or a percentage left"),
])
def test_serve_refuses_with_one_line(run, demo, fake_serve, args, message):
    code, _, err = run(*args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert fake_serve == []


def test_serve_starts_on_loopback_and_stops_on_ctrl_c(tmp_path, run, demo):
    pytest.importorskip("textual_serve", reason="needs the serve extra: pip install '.[serve]'")
    proc = subprocess.Popen([sys.executable, "-m", "facilitator", "--data-dir", str(run.data_dir), "serve", demo,
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # the first line comes once it listens
        assert line.startswith(f"serving {demo} on http://127.0.0.1:"), line + proc.stderr.read()
        base = line.split(" on ", 1)[1].split()[0]
        with urllib.request.urlopen(base, timeout=10) as response:
            assert response.status == 200 and b'href="/projector"' in response.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
