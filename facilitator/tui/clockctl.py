"""Compatibility: the clock operations live in facilitator.live.clock."""

from facilitator.live.clock import *  # noqa: F401,F403
from facilitator.live.clock import (end, goto, level, mmss, seen, session_elapsed, session_paused,  # noqa: F401
                                    state, step_elapsed, toggle)
