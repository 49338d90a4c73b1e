"""Start `facilitator` for a fault test: note our pid, let writes past RLIMIT_FSIZE fail with EFBIG.

Usage: python3 launch.py PIDFILE [facilitator arguments...]
"""

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full "disk" is an OSError, not a dead process
Path(sys.argv[1]).write_text(str(os.getpid()))

if os.environ.get("FACILITATOR_TEST_OPEN_GATE"):  # the store opens only once that file exists (a slow open)
    import time

    from facilitator.store import workshop as _workshop

    _real_open = _workshop.WorkshopStore.open.__func__  # type: ignore[attr-defined]
    _gate = Path(os.environ["FACILITATOR_TEST_OPEN_GATE"])

    def _slow_open(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 60
        while not _gate.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return _real_open(cls, *args, **kwargs)

    _workshop.WorkshopStore.open = classmethod(_slow_open)  # type: ignore[method-assign]

from facilitator.cli import main  # noqa: E402

sys.exit(main(sys.argv[2:]))
