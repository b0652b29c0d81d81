"""Approved copy as a replica holds it: the segment's own variants first, else those for
all segments; a change in the store is seen within the refresh interval."""

from __future__ import annotations

import time

from adcraft.serving.approved import ApprovedCopy
from adcraft.store.copy import ALL_SEGMENTS, CopyStore, Proposal, QueueFilter
from adcraft.store.db import store_engine


def _p(segment: str, text: str) -> Proposal:
    return Proposal(f"v-{segment}-{len(text)}", "P1", segment, "ad_copy", "en-GB", text,
                    "human", True, [])


def test_the_segment_first_then_all_and_changes_seen(database_url):
    store = CopyStore(store_engine(database_url))
    store.propose([_p(ALL_SEGMENTS, "For everyone."), _p("Outdoor", "For the hills.")])
    approved = ApprovedCopy(store, refresh_s=0.05)
    assert approved.variants("P1", "Outdoor", "ad_copy", "en-GB") == []  # nothing approved
    store.bulk_approve(QueueFilter(segment=ALL_SEGMENTS), "test")
    time.sleep(0.1)
    assert [v.text for v in approved.variants("P1", "Outdoor", "ad_copy", "en-GB")] == [
        "For everyone."]
    store.bulk_approve(QueueFilter(), "test")
    time.sleep(0.1)
    shown = approved.variants("P1", "Outdoor", "ad_copy", "en-GB")
    assert [v.text for v in shown] == ["For the hills."] and shown[0].reviewed
    assert [v.text for v in approved.variants("P1", "Home", "ad_copy", "en-GB")] == [
        "For everyone."]
    assert approved.variants("P1", "Outdoor", "email_subject", "en-GB") == []
    assert len(approved) == 2
