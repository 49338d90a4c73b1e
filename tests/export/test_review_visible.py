"""`review.visible` shows invisible and control characters of a replaced form as
<U+XXXX>; its quick way out for printable text must change nothing."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.export.review import visible


def slow_visible(text: str) -> str:  # the rule, character by character (as before the quick way out)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Zl", "Zp") or (cat.startswith("M") and not out):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
       | st.lists(st.sampled_from(["a", "é", " ", "\u00ad", "\u200b", "\u0301", "\u2028", "\u00a0", "\t", "\x00",
                                   "“", "Ž", "\u202e", "\u3000"]), max_size=8).map("".join))
def test_visible_is_the_rule_for_every_text(text):
    assert visible(text) == slow_visible(text)


def test_visible_examples():
    assert visible("Fatima") == "Fatima"
    assert visible("Fa\u00adtima") == "Fa<U+00AD>tima"
    assert visible("\u0301e") == "<U+0301>e" and visible("e\u0301") == "e\u0301"
    assert visible("a\u00a0b") == "a\u00a0b"  # a no-break space is not printable, and stays
