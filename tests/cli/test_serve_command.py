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
    from facilitator.tui.web import server

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
    assert facilitator[-6:] == ["run", SLUG, "--session", "2", "--seat", "facilitator"]
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
    assert "http://192.168.1.20:8123/" in out and "http://ADDRESS:8000/" in out2 and "every address" in out2


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


NETNS_CHECK = r'''
import json, signal, subprocess, sys, urllib.error, urllib.parse, urllib.request
data, slug = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([sys.executable, "-m", "facilitator", "--data-dir", data, "--lang", "en", "serve", slug,
                         "--host", "10.99.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True)
out = {}
try:
    lines = [proc.stdout.readline() for _ in range(2)]
    out["lines"] = lines
    base = lines[0].split(" on ", 1)[1].split()[0]
    token = lines[1].rsplit(" ", 1)[1].strip()

    def status(request):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    out["without"] = [status(base + p)[0] for p in ("", "projector", "facilitator", "static/js/textual.js")]
    out["asks"] = 'name="token"' in status(base + "projector")[1]
    form = urllib.parse.urlencode({"token": token}).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(base + "projector", data=form, headers={"Origin": base.rstrip("/")}))
        out["login"] = None
    except urllib.error.HTTPError as error:
        out["login"] = error.code
        cookie = error.headers["Set-Cookie"].split(";")[0]
    out["with"] = [status(urllib.request.Request(base + p, headers={"Cookie": cookie}))[0]
                   for p in ("", "projector", "static/js/textual.js")]
    proc.send_signal(signal.SIGINT)
    out["exit"] = proc.wait(timeout=15)
finally:
    if proc.poll() is None:
        proc.kill()
print(json.dumps(out))
'''


def _netns_available() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "ip", "addr", "add", "10.99.0.1/32", "dev", "lo"],
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_on_another_address_every_request_needs_the_token(run, demo):
    """The real command on a non-loopback address (10.99.0.1), inside a network namespace
    of the test's own: nothing outside it can reach the server."""
    pytest.importorskip("textual_serve", reason="needs the serve extra: pip install '.[serve]'")
    if not _netns_available():
        pytest.skip("needs a private network namespace (unshare -n, ip; as root)")
    import json

    script = "ip link set lo up && ip addr add 10.99.0.1/32 dev lo && exec \"$0\" -c \"$1\" \"$2\" \"$3\""
    done = subprocess.run(["unshare", "-n", "sh", "-c", script, sys.executable, NETNS_CHECK, str(run.data_dir), demo],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["lines"][0].startswith(f"serving {demo} on http://10.99.0.1:")
    assert out["lines"][1].startswith("token (asked by the page"), out["lines"]
    assert out["without"] == [403, 403, 403, 403] and out["asks"]
    assert out["login"] == 303
    assert out["with"] == [200, 200, 200]
    assert out["exit"] == 0
