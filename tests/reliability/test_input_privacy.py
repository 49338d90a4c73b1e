"""Bad input through the real CLI (subprocess), and names staying local in exports."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from .conftest import PLAN, SLUG, cli, no_traceback, statements


def store_bytes(data_dir: Path) -> bytes:
    return (data_dir / SLUG / "store.db").read_bytes()


def test_control_characters_are_refused_before_anything_is_written(data_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    secret = "geheime tekst die niet in een log hoort"
    notes.write_text(f"wt: goed\njw: {secret}\x00\nwt: bel\x07\n", encoding="utf-8")
    before = store_bytes(data_dir)
    proc = cli(data_dir, "import", SLUG, str(notes), "--session", "1")
    no_traceback(proc)
    assert proc.returncode == 2 and "er is niets geïmporteerd" in proc.stderr  # Dutch: the default interface language
    assert "U+0000" in proc.stderr and ":2:" in proc.stderr and ":3:" in proc.stderr
    assert secret not in proc.stderr  # validation errors name the place, not the text
    assert store_bytes(data_dir) == before
    log = data_dir / "facilitator.log"
    assert not log.exists() or secret not in log.read_text(encoding="utf-8", errors="replace")


def test_not_utf8_notes_and_plans_are_refused_clearly(data_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"wt: een losse surrogaat \xed\xa0\x80 hier\n")
    before = store_bytes(data_dir)
    proc = cli(data_dir, "--lang", "en", "import", SLUG, str(notes), "--session", "1")
    no_traceback(proc)
    assert proc.returncode == 2 and "not UTF-8" in proc.stderr and proc.stderr.count("\n") == 1
    assert store_bytes(data_dir) == before
    plan = tmp_path / "kapot.toml"
    plan.write_bytes(PLAN.read_bytes().replace(b"Voorraadkast", b"Voorraad\x00kast\xff"))
    fresh = tmp_path / "fresh"
    proc = cli(fresh, "new", str(plan))
    no_traceback(proc)
    assert proc.returncode == 2 and proc.stderr.startswith(str(plan)) or "facilitator:" in proc.stderr
    assert not (fresh / SLUG).exists()


def test_unicode_1mb_paste_and_10000_lines_are_stored_exactly(data_dir: Path, tmp_path: Path) -> None:
    odd = "emoji 👩🏽‍🔧, rtl שלום عربي, combining e\u0301\u0308, zero-width a\u200bb, bidi \u202eomgekeerd\u202c"
    big = "“" + ("lange plak " * 95_000)[:1_000_000].strip() + "”"
    many = [f"regel {i} met {odd[:12].strip()}" for i in range(10_000)]
    notes = tmp_path / "notes.txt"
    notes.write_text(f"wt: {odd}\njw: {big}\n" + "".join(f"bib: {m}\n" for m in many), encoding="utf-8")
    proc = cli(data_dir, "import", SLUG, str(notes), "--session", "1")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    texts = statements(data_dir)
    assert texts[0] == odd and texts[1] == big[1:-1] and len(texts[1]) > 990_000 and texts[2:] == many
    out = tmp_path / "out"
    proc = cli(data_dir, "export", SLUG, "--session", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (minutes,) = out.glob("*.md")
    body = minutes.read_text(encoding="utf-8")
    assert "regel 9999 met" in body and "lange plak lange plak" in body


def test_exports_replace_names_by_role_say_so_and_are_private(data_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("jw: “Fatima belde mij gisteren nog.” #taal\nwt: ik sprak met Fatima\n", encoding="utf-8")
    assert cli(data_dir, "import", SLUG, str(notes), "--session", "1").returncode == 0
    out = tmp_path / "out"
    proc = cli(data_dir, "--lang", "en", "export", SLUG, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    # The count on the command line, and where each replacement is: the review file (0600, not .md).
    count = re.search(r"note: (\d+) participant names were replaced by a role", proc.stdout)
    assert count, proc.stdout
    review = out / f"{SLUG}-names-review.txt"
    assert str(review) in proc.stdout and "do not hand it over" in proc.stdout
    assert stat.S_IMODE(review.stat().st_mode) == 0o600
    listed = review.read_text(encoding="utf-8")
    # Both statements, in the minutes and twice in the report (appendix per theme); one line each.
    assert listed.count('"Fatima" -> [') == int(count.group(1)) >= 3 and f"{SLUG}-OWP1-" in listed
    files = list(out.glob("*.md"))
    assert files and review not in files
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "Fatima" not in text
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    joined = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "\\[wijkteammedewerker\\] belde mij gisteren nog." in joined  # Markdown for "[wijkteammedewerker]"
    assert "Fatima" in store_bytes(data_dir).decode()  # kept as typed, locally
    public = tmp_path / "public"
    proc = cli(data_dir, "export", SLUG, "--out", str(public), "--mode", "644")
    assert proc.returncode == 0
    assert {stat.S_IMODE(f.stat().st_mode) for f in public.glob("*.md")} == {0o644}
    assert stat.S_IMODE((public / f"{SLUG}-names-review.txt").stat().st_mode) == 0o600  # whatever --mode says
    proc = cli(data_dir, "export", SLUG, "--out", str(public), "--mode", "999")
    assert proc.returncode == 2 and "--mode" in proc.stderr
    no_traceback(proc)
