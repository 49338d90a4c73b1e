"""Text from a plan, a store or a file name, made safe to print on a terminal.

A title or file name may hold control characters (an escape sequence can clear the
screen or forge a message) or bidirectional overrides (which reorder what is shown).
Printed, each of these becomes a visible escape (`\\x1b`, `\\u202e`); everything else,
accents and emoji included, is printed as it is. Line breaks inside one message are
shown as `\\n`: every message stays one line.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """`text` with every control, bidi-override and lone-surrogate character escaped."""
    return _UNSAFE.sub(_escape, text)
