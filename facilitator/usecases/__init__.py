"""Use cases: what the command line and the app both do, written once.

- `facilitator.usecases.notes`: import a notes file in capture syntax (`NotesError`).
- `facilitator.usecases.export`: export a workshop in one or more formats (`export_workshop`).
- `facilitator.usecases.session`: open a workshop, and decide what a failure to open means.
- `facilitator.usecases.errorlog`: the unexpected-error log.

No Textual here (the import-hygiene test guards it), and nothing of `cli` or `tui`:
this layer may import `domain`, `store`, `export` and `fileio` only (the
import-direction test guards that). This package's `__init__` imports nothing, so
`facilitator --help` stays fast.
"""
