"""Per-host politeness: at most ``rate`` requests a second to each host (0 = unlimited)."""

from __future__ import annotations

import asyncio
import time


class HostLimiter:
    """Spaces requests to one host ``1/rate`` seconds apart; hosts are independent."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_slot: dict[str, float] = {}

    async def wait(self, host: str) -> None:
        """Return when a request to ``host`` may be sent."""
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(now, self.next_slot.get(host, 0.0))
        self.next_slot[host] = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
