"""The writer on its own: order, failures kept and retried, bugs dropped, hold/release, typed jobs."""

from __future__ import annotations

import threading
import time
from typing import Any

from facilitator.live.writer import (AddStatement, Call, DeleteStatement, Job, SetAttendance, UpdateStatement,
                                     Writer)
from facilitator.store.workshop import StoreWriteError


def wait(what, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.005)
    return what()


class Store:
    def __init__(self) -> None:
        self.done: list[Any] = []
        self.fail = 0  # the next n calls raise a write error

    def note(self, what: Any) -> Any:
        if self.fail:
            self.fail -= 1
            raise StoreWriteError("disk full")
        self.done.append(what)
        return what


def call(value: Any) -> Call:
    return Call(fn=lambda store: store.note(value), label=str(value))


def test_jobs_run_in_order_and_report_each() -> None:
    store, seen = Store(), []
    writer = Writer(store, seen.append)
    jobs = [writer.submit(call(i)) for i in range(50)]
    assert writer.wait_idle(5.0)
    assert store.done == list(range(50))
    assert seen == jobs and all(j.state == "saved" and j.result == i for i, j in enumerate(jobs))
    writer.stop()


def test_a_failed_write_stays_at_the_head_and_is_retried_in_order() -> None:
    store, seen = Store(), []
    store.fail = 1
    writer = Writer(store, lambda job: seen.append(job.state))
    first, second = writer.submit(call("a")), writer.submit(call("b"))
    assert wait(lambda: first.state == "failed")
    assert not writer.wait_idle(0.2) and writer.failed
    assert writer.unsaved() == [first, second] and store.done == []
    writer.retry()
    assert writer.wait_idle(5.0) and store.done == ["a", "b"]
    assert seen == ["failed", "saved", "saved"]
    writer.stop()


def test_a_bug_in_a_job_is_reported_and_does_not_block_the_rest() -> None:
    store = Store()
    writer = Writer(store)
    bad = writer.submit(Call(fn=lambda s: 1 / 0, label="bug"))
    good = writer.submit(call("after"))
    assert writer.wait_idle(5.0)
    assert bad.state == "error" and "division" in (bad.error or "") and good.state == "saved"
    writer.stop()


def test_hold_freezes_the_queue_until_release() -> None:
    store = Store()
    store.fail = 1
    writer = Writer(store)
    first = writer.submit(call("a"))
    assert wait(lambda: first.state == "failed")
    held = writer.hold()
    writer.submit(call("b"))
    writer.retry()
    time.sleep(0.1)
    assert held == [first] and store.done == []  # nothing ran while held
    writer.release()
    writer.retry()
    assert writer.wait_idle(5.0) and store.done == ["a", "b"]
    writer.stop()


def test_cancel_takes_a_waiting_job_out() -> None:
    store, gate = Store(), threading.Event()
    writer = Writer(store)
    writer.submit(Call(fn=lambda s: gate.wait(5), label="slow"))
    later = writer.submit(call("later"))
    assert writer.cancel(later)
    gate.set()
    assert writer.wait_idle(5.0) and store.done == []
    writer.stop()


def test_typed_jobs_know_their_rescue_lines() -> None:
    from facilitator.domain.records import Statement

    st = Statement(id=7, seq=3, session=1, step=2, speaker="wt1", kind="quote", text="Zo is het", themes=["taal"],
                   key=True)
    assert AddStatement(statement=st, line="x").rescue() == ["wt1: “Zo is het” #taal !"]
    assert AddStatement(statement=st).step == 2
    assert UpdateStatement(statement=st).rescue()[0].startswith("// edit of statement 3: wt1: ")
    assert DeleteStatement(statement=st).rescue()[0].startswith("// delete statement 3: ")
    assert SetAttendance(session=1, keys=["wt1", "bib", "bib"]).rescue() == ["aanwezig: wt1 bib bib"]
    assert Job().rescue() == [] and isinstance(AddStatement(statement=st), Job)
