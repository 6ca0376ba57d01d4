"""An asyncio event loop on a thread of its own, for work that must not wait for the main loop.

    relay_loop = LoopThread("relay")
    await relay_loop.run(relay.start())   # the relay's connections are served on that thread
    ...
    await relay_loop.run(relay.close())
    await relay_loop.stop()               # what is still running there is cancelled first

The Capturer runs the network guard's relay (relay.py) this way. Every request the browser
makes goes through it, so on the capture's own loop each stretch of synchronous work (writing a
WARC, storing a capture's blobs and rows, which the archive flow does between its awaits) held
up every page's traffic at once; on its own thread the relay goes on meanwhile (file writes,
fsync, SQLite and hashing release the GIL).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """A new event loop, running on a daemon thread from construction until stop()."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the thread's loop and wait for its result here."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    async def stop(self) -> None:
        """Cancel what still runs on the loop, stop it and close it."""
        if self.loop.is_closed():
            return
        await self.run(_cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        await asyncio.to_thread(self._thread.join)
        self.loop.close()


async def _cancel_the_rest() -> None:
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
