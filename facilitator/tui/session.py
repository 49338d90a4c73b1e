"""Compatibility: the live session's line helpers live in facilitator.live.lines."""

from facilitator.live.lines import format_line, make_context, merge_attendance, names_in, role_label

__all__ = ["format_line", "make_context", "merge_attendance", "names_in", "role_label"]
