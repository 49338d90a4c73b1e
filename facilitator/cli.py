"""Command line: `facilitator [COMMAND] ...`. Placeholder until the CLI lands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("facilitator: not built yet", file=sys.stderr)
    return 1
