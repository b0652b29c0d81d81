"""Replicas follow the registry: each model replica checks, every `follow_alias_s`,
which version its alias names, and loads it when that is not the one it serves.

`POST /admin/reload` reaches one replica (Ray Serve routes a call to one, and has no
broadcast); the others reach the same version at their next check. A promotion
(`adcraft promote`) therefore reaches every replica within `follow_alias_s` with no
call at all. A failed check or load is logged and retried at the next one: the replica
keeps serving the model it has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Follower:
    """Calls `reload()` whenever `wanted()` (a version label, None for "nothing to
    follow") differs from `loaded()`, checking every `every_s` in a daemon thread."""

    def __init__(self, wanted: Callable[[], str | None], loaded: Callable[[], str],
                 reload: Callable[[], object], every_s: float, name: str = "model"):
        self.wanted, self.loaded, self.reload = wanted, loaded, reload
        self.every_s, self.name = every_s, name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """One check; True if it loaded another version."""
        try:
            want = self.wanted()
            have = self.loaded()
            if want is None or want == have:
                return False
            log.info("%s: registry names %s, serving %s: reloading", self.name, want, have)
            self.reload()
            return True
        except Exception as exc:  # noqa: BLE001 - keep serving what we have; retry later
            log.warning("%s: registry check failed (%s: %s); next try in %.0fs", self.name,
                        type(exc).__name__, exc, self.every_s)
            return False

    def start(self) -> Follower:
        def loop():
            while not self._stop.wait(self.every_s):
                self.check()

        self._thread = threading.Thread(target=loop, name=f"follow-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
