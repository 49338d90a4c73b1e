"""The live session, headless: what the live screen (and, later, a second seat) runs on.

- `writer`: the single writer thread and its typed jobs (every store mutation).
- `session`: `LiveSession`, the session's state and behaviour: parsing each line,
  the pending queue, edit/delete/undo, attendance, the clock, the rescue lines.
- `rescue`: the rescue file (0600, fsynced, importable capture syntax).

No Textual here (the import-hygiene test guards it); the screen renders a
`LiveSession` and forwards keys to it.
"""
