"""A replica follows its alias: reloads when the registry names another version, and
keeps serving what it has when the registry cannot be read."""

from __future__ import annotations

import time

from adcraft.serving.follow import Follower


class Replica:
    def __init__(self):
        self.serving, self.named, self.loads = "m/1", "m/1", 0

    def wanted(self):
        if self.named == "unreadable":
            raise ConnectionError("registry down")
        return self.named

    def reload(self):
        self.loads += 1
        self.serving = self.named


def test_reloads_only_when_the_alias_names_another_version(caplog):
    replica = Replica()
    follower = Follower(replica.wanted, lambda: replica.serving, replica.reload, 60)
    assert not follower.check() and replica.loads == 0
    replica.named = "m/2"
    assert follower.check() and replica.serving == "m/2" and replica.loads == 1
    assert not follower.check()
    replica.named = None  # the alias was removed: keep serving
    assert not follower.check() and replica.serving == "m/2"
    replica.named = "unreadable"
    assert not follower.check() and replica.serving == "m/2"
    assert "registry check failed (ConnectionError: registry down)" in caplog.text


def test_the_thread_follows_on_its_own():
    replica = Replica()
    follower = Follower(replica.wanted, lambda: replica.serving, replica.reload, 0.05).start()
    try:
        replica.named = "m/3"
        deadline = time.monotonic() + 5
        while replica.serving != "m/3" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert replica.serving == "m/3" and replica.loads == 1
    finally:
        follower.stop()
