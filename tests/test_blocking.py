"""archiver/blocking.py: blocking work run from async code."""

from __future__ import annotations

import asyncio
import threading

import pytest

from archiver.blocking import in_thread, to_thread_finished


def test_in_thread_returns_the_result_and_raises_the_error() -> None:
    def fail() -> None:
        raise ValueError("no")

    assert asyncio.run(in_thread(sum, [1, 2])) == 3
    with pytest.raises(ValueError, match="no"):
        asyncio.run(in_thread(fail))


def test_a_cancelled_task_finishes_its_threaded_write_and_what_follows_then_stops() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def write() -> str:
        started.set()
        release.wait(5)
        done.append("blobs")
        return "sha"

    async def store() -> None:
        sha = await to_thread_finished(write)
        done.append(f"rows naming {sha}")  # no await between: it runs before the cancellation lands
        await asyncio.sleep(5)
        done.append("never")

    async def scenario() -> None:
        task = asyncio.ensure_future(store())
        await asyncio.to_thread(started.wait, 5)
        task.cancel()  # Ctrl-C while the blobs are being written
        await asyncio.sleep(0.05)
        assert not task.done()  # still waiting for the write
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert done == ["blobs", "rows naming sha"]


def test_without_a_cancellation_it_is_a_plain_threaded_call() -> None:
    async def scenario() -> tuple[str, bool]:
        name = await to_thread_finished(lambda: threading.current_thread().name)
        current = asyncio.current_task()
        return name, current is not None and current.cancelling() == 0

    name, uncancelled = asyncio.run(scenario())
    assert name != threading.main_thread().name and uncancelled
