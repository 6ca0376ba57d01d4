"""Time for politeness tests that moves only when the code under test sleeps, so that no check
depends on how busy the machine is: real spacing is timed in `make bench` (bench_recheck)."""

from __future__ import annotations

import asyncio


class FakeClock:
    """Pass `clock` as the clock and `clock.sleep` as the sleep (HostLimiter takes both).

    `sleep(seconds)` records the delay asked for, gives the event loop one turn, and then moves
    the clock on to when that sleep ends (never back). Sleeps thus end in the order they were
    asked: right for one host's limiter, which schedules each start after the one before; not a
    general scheduler.
    """

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.asked: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        end = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, end)


async def settle(turns: int = 100) -> None:
    """Let every task run until it waits on something. No task in these tests waits on a socket
    or a real timer, so a fixed number of turns of the event loop is enough, and always the same."""
    for _ in range(turns):
        await asyncio.sleep(0)
