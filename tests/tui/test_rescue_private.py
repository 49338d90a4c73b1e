"""The rescue file holds what was said (names included): it is private like the store."""

from __future__ import annotations

import os
import stat
import types


def test_rescue_file_is_0600_whatever_the_umask(tmp_path):
    from facilitator.tui.app import FacilitatorApp

    old = os.umask(0)
    try:
        fake = types.SimpleNamespace(data_dir=tmp_path)
        path = FacilitatorApp.write_rescue(fake, ["wt1: “Fatima zei het al.”"], "lombok-2026", 2)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name.startswith("rescue-lombok-2026-2-")  # slug and number: the plan refuses names there
    assert path.read_text(encoding="utf-8").endswith("wt1: “Fatima zei het al.”\n")  # kept exactly, locally
