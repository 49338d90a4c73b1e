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

from facilitator.cli import main  # noqa: E402

sys.exit(main(sys.argv[2:]))
