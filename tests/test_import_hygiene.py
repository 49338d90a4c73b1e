"""Headless modules never import textual; the TUI imports its heavy parts lazily."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import facilitator

HEADLESS_PREFIXES = ("facilitator.domain", "facilitator.store", "facilitator.export", "facilitator.cli", "facilitator.demo",
                    "facilitator.usecases")


def headless_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(facilitator.__path__, "facilitator."):
        if info.name.startswith(HEADLESS_PREFIXES):
            names.append(info.name)
    return sorted(names)


def test_there_are_headless_modules_to_check() -> None:
    mods = headless_modules()
    assert "facilitator.domain.plan" in mods
    assert "facilitator.store.workshop" in mods


def test_headless_modules_do_not_import_textual() -> None:
    mods = headless_modules()
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by headless code: {out.stdout.strip()[:200]}"


def test_cli_entry_imports_nothing_heavy() -> None:
    code = (
        "import sys, facilitator.cli\n"
        "heavy = [m for m in ('textual', 'rich', 'tinydb', 'pydantic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
