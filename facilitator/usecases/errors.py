"""The errors a use case raises for a problem the user can act on."""

from __future__ import annotations


class UseCaseError(Exception):
    """A problem the user can act on. Each of `lines` is shown on its own line; `plain`
    lines already name their place (`FILE:LINE: message`) and get no prefix."""

    def __init__(self, *lines: str, plain: bool = False):
        self.lines = [line for line in lines if line]
        self.plain = plain
        super().__init__("\n".join(self.lines))


class NotesError(UseCaseError):
    """A notes file that cannot be imported: bad lines (one `FILE:LINE: message`
    each, then a summary line), no such session, or already imported."""


class ExportError(UseCaseError):
    """An export that cannot be written: no such session, or the output not writable."""
