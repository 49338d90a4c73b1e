"""Storage: the only code that touches workshop files.

- `workshop`: WorkshopStore, the API the rest of the app uses (and the Store* errors).
- `db`: the checksummed append-only journal under TinyDB (open_db, transaction).
- `lazy`: statements and actions left on disk until read (the snapshot's index, LazyTable).
- `lock`: one writer per workshop (flock on store.lock, holder in store.lock.info).
- `doctor`: check and safely repair the stores of a data directory.
"""
