"""`facilitator show`: checks what it can before the projector view opens."""

from __future__ import annotations

import sys
import types

import pytest


@pytest.fixture
def demo(run):
    code, _, err = run("demo")
    assert code == 0, err
    return "holtenbroek-2025"


@pytest.fixture
def fake_projector(monkeypatch):
    calls = []
    module = types.ModuleType("facilitator.tui.app")
    module.run_projector = lambda data_dir, slug, session, lang, warn: calls.append((slug, session, lang, warn)) or 0
    monkeypatch.setitem(sys.modules, "facilitator.tui.app", module)
    return calls


def test_show_opens_the_projector_view(run, demo, fake_projector, monkeypatch):
    monkeypatch.delenv("FACILITATOR_WARN_LEFT", raising=False)
    monkeypatch.delenv("FACILITATOR_LANG")  # the default language is handed on too
    assert run("show", demo)[0] == 0
    assert run("--lang", "en", "show", demo, "--session", "2", "--warn", "3 min")[0] == 0
    assert fake_projector == [(demo, None, "nl", None), (demo, 2, "en", "3 min")]


@pytest.mark.parametrize("args,env,message", [
    (["show", "nope"], None, "no workshop 'nope'"),
    (["show", "{demo}", "--session", "9"], None, "no session 9 in 'holtenbroek-2025'"),
    (["show", "{demo}", "--warn", "soon"], None, "--warn: expected minutes or a percentage left"),
    (["show", "{demo}"], "later", "$FACILITATOR_WARN_LEFT: write minutes left"),
    (["show", "{demo}"], "0", "warn_left: minutes left must be more than 0"),
])
def test_show_refuses_with_one_line(run, demo, fake_projector, monkeypatch, args, env, message):
    if env is None:
        monkeypatch.delenv("FACILITATOR_WARN_LEFT", raising=False)
    else:
        monkeypatch.setenv("FACILITATOR_WARN_LEFT", env)
    code, _, err = run(*(a.format(demo=demo) for a in args))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert fake_projector == []
