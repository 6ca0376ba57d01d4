"""Blocking calls from async code: the sync HTTP client and feed parsing without holding up an
exit (in_thread); the blob writes a store makes, finished even when the run is stopped
(to_thread_finished)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_thread(func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` on a thread of its own, as asyncio.to_thread but for one thing: the thread
    is a daemon, so that a run stopped meanwhile (Ctrl-C) exits at once instead of waiting for
    the blocking call to finish (a fetch can take fetch_timeout)."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if outcome.cancelled():
            return
        if error is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = func(*args), None
        except BaseException as exc:  # handed over to the awaiting task as it is
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: no one is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=f"archiver-{getattr(func, '__name__', 'call')}", daemon=True).start()
    return await outcome


async def to_thread_finished(func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` on a worker thread (asyncio.to_thread), awaited to its end even when the task
    is cancelled meanwhile (Ctrl-C): the cancellation is passed on at the task's next await, so
    the code after this call up to there runs too. For writes that must not be cut in half, like
    a capture's blobs and then its rows."""
    work = asyncio.ensure_future(asyncio.to_thread(func, *args))
    cancelled = False
    while not work.done():
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        task = asyncio.current_task()
        if task is not None:
            task.cancel()
    return work.result()
