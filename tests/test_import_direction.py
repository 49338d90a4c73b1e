"""Imports go down the layers, never up (README, "Layout").

    fileio, config, i18n   leaves: nothing of facilitator (durable writes; where settings
                           come from; the message catalog)
    settings  config, i18n (the typed settings; their errors in the interface language)
    domain    imports nothing of facilitator but domain and i18n
    store     domain and the leaves
    export    domain and the leaves
    usecases  domain, store, export, settings and the leaves
    live      the same as usecases (the headless live session: what the live screen runs on)
    demo      usecases and below
    tui       usecases, live and below
    web       usecases and below (`facilitator serve`: its seats are processes, not imports)
    cli       usecases and below, demo, web; and `facilitator.tui.app` (the `run` command starts the app)

Every `import` counts, lazy ones inside functions included (scanned with ast, not by importing).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "facilitator"

LEAVES = {"fileio", "config", "i18n"}
BELOW_USECASES = {"domain", "store", "export", "settings"} | LEAVES
ALLOWED: dict[str, set[str]] = {
    "fileio": set(),
    "config": set(),
    "i18n": set(),
    "settings": {"config", "i18n"},
    "domain": {"i18n"},
    "store": {"domain"} | LEAVES,
    "export": {"domain"} | LEAVES,
    "usecases": BELOW_USECASES,
    "live": BELOW_USECASES,
    "demo": {"usecases"} | BELOW_USECASES,
    "tui": {"usecases", "live"} | BELOW_USECASES,
    "cli": {"usecases", "demo"} | BELOW_USECASES,
    "": {"cli"},  # facilitator/__init__.py, __main__.py
}
# (importing layer, imported module): the only crossings allowed beside ALLOWED.
EXCEPTIONS = {("cli", "facilitator.tui.app"),  # `run` and `show` start the app
              ("cli", "facilitator.tui.web.access"), ("cli", "facilitator.tui.web.seats"),
              ("cli", "facilitator.tui.web.server")}  # `serve` starts the seats in a browser


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "facilitator":
        return "-"
    if len(parts) == 1 or parts[1] in ("__main__", "__init__"):
        return ""
    return parts[1]


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in `path`, at any depth."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "facilitator":  # `from facilitator import cli`: each name is a module
                found += [(node.lineno, f"facilitator.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, m) for line, m in found if m == "facilitator" or m.startswith("facilitator.")]


def violations(root: Path) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        own = layer_of(module_name(path, root))
        allowed = ALLOWED.get(own)
        for line, module in imports_of(path, root):
            target = layer_of(module)
            if target == own or (own, module) in EXCEPTIONS:
                continue
            if allowed is None or target not in allowed:
                bad.append(f"{path.relative_to(root.parent)}:{line}: {own or 'facilitator'} imports {module}")
    return bad


def test_every_layer_is_known() -> None:
    layers = {p.name.removesuffix(".py") for p in PACKAGE.iterdir()
              if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))}
    assert layers <= set(ALLOWED), f"a package without a rule: {sorted(layers - set(ALLOWED))}"
    assert {"domain", "store", "export", "usecases", "cli", "tui", "demo"} <= layers


def test_nothing_imports_upward() -> None:
    assert violations(PACKAGE) == []


@pytest.mark.parametrize("layer, source", [
    ("domain", "def later():\n    from facilitator.store.workshop import WorkshopStore\n"),
    ("store", "import facilitator.usecases.export\n"),
    ("export", "from ..tui import app\n"),
    ("usecases", "def f():\n    from facilitator.cli import UserError\n"),
    ("tui", "from facilitator.cli.commands import _open\n"),
    ("demo", "from facilitator import cli\n"),
    ("cli", "from facilitator.tui.screens.home import HomeScreen\n"),
])
def test_an_upward_import_is_caught(tmp_path: Path, layer: str, source: str) -> None:
    root = tmp_path / "facilitator"
    for name in ALLOWED:
        if name:
            (root / name).mkdir(parents=True)
            (root / name / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "usecases" / "ok.py").write_text("from ..store import x\nimport facilitator.domain.plan\n")
    (root / "cli" / "ok.py").write_text("def run():\n    from facilitator.tui.app import run_app\n")
    assert violations(root) == []  # downward imports, and the one allowed crossing, pass
    (root / layer / "bad.py").write_text(source)
    found = violations(root)
    assert len(found) == 1 and found[0].startswith(f"facilitator/{layer}/bad.py:"), found
