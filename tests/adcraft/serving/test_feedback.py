"""What feedback changes: checked against what was served, durable before it counts,
and the same on every replica that reads the log."""

from __future__ import annotations

import pytest

from adcraft.serving.feedback import FeedbackState, UnknownReference
from adcraft.serving.schemas import FeedbackBody


def _serve(state: FeedbackState, request_id: str = "r1") -> None:
    state.record_served(request_id, "S1", "Outdoor", "ad_copy", [
        {"product_id": "P1", "position": 1, "variant_id": "v-1", "copy_text": "a",
         "source": "template"},
        {"product_id": "P2", "position": 2, "variant_id": None, "copy_text": None,
         "source": None}])


@pytest.mark.parametrize(("body", "field"), [
    ({"request_id": "nope", "item": "P1", "event": "click"}, "request_id"),
    ({"request_id": "r1", "item": "P9", "event": "click"}, "item"),
    ({"request_id": "r1", "item": "P1", "variant": "v-2", "event": "click"}, "variant"),
])
def test_feedback_about_nothing_served_names_the_field(database_url, body, field):
    state = FeedbackState(database_url)
    _serve(state)
    with pytest.raises(UnknownReference) as caught:
        state.record_feedback(FeedbackBody(**body))
    assert caught.value.field == field
    # nothing was applied: the served variant's one trial, no success, no recent event
    assert {k: (a.trials, a.successes) for k, a in state.bandit.arms.items()} == {
        ("Outdoor", "v-1"): (1, 0)} and not state.recent


def test_replicas_sharing_the_log_agree(database_url):
    one = FeedbackState(database_url, seed=0)
    two = FeedbackState(database_url, seed=0)
    _serve(one)
    # served by one replica, feedback arrives at the other
    arm = two.record_feedback(FeedbackBody(request_id="r1", item="P1", event="click"))
    assert (arm.trials, arm.successes) == (1, 1)
    two.record_feedback(FeedbackBody(request_id="r1", item="P2", event="purchase"))
    one.refresh()
    assert one.bandit.state("Outdoor", "v-1") == two.bandit.state("Outdoor", "v-1")
    assert [e["product_id"] for e in one.recent_activity("S1")] == ["P1", "P2"]
    # a restart replays the log into the same state
    three = FeedbackState(database_url)
    assert three.bandit.state("Outdoor", "v-1").successes == 1
    assert len(three.recent_activity("S1")) == 2 and three.recent_activity("S2") == []


def test_only_the_newest_requests_are_remembered(database_url):
    state = FeedbackState(database_url, remembered_requests=2)
    for r in ("r1", "r2", "r3"):
        _serve(state, r)
    assert list(state.served) == ["r2", "r3"]


def test_recent_activity_is_kept_for_as_many_shoppers_as_requests(database_url):
    state = FeedbackState(database_url, remembered_requests=2)
    for shopper in ("S1", "S2", "S3"):
        state.record_served(f"r-{shopper}", shopper, "Outdoor", None, [
            {"product_id": "P1", "position": 1, "variant_id": None, "copy_text": None,
             "source": None}])
        state.record_feedback(FeedbackBody(request_id=f"r-{shopper}", item="P1",
                                           event="click"))
    assert list(state.recent) == ["S2", "S3"] and state.recent_activity("S1") == []


def test_concurrent_served_records_share_commits_and_each_is_in_before_its_answer(
        database_url):
    import asyncio

    from adcraft.serving.eventlog import read_records
    from adcraft.serving.feedback import ServedWriter, served_record

    state = FeedbackState(database_url)
    commits = []
    many = state.record_served_many
    state.record_served_many = lambda records, after: (commits.append(len(records)),
                                                       many(records, after))
    writer = ServedWriter(state)

    async def answer(i: int) -> bool:
        await writer.write(served_record(f"r{i}", f"S{i}", "Outdoor", None, [
            {"product_id": "P1", "position": 1, "variant_id": None}]))
        # feedback may refer to it once answered (it replays before it looks)
        return state.record_feedback(FeedbackBody(request_id=f"r{i}", item="P1",
                                                  event="click")) is None

    async def all_of_them():
        return await asyncio.gather(*(answer(i) for i in range(20)))

    assert all(asyncio.run(all_of_them()))
    served = [r["request_id"] for r in read_records(database_url) if r["kind"] == "served"]
    assert served == [f"r{i}" for i in range(20)]
    assert sum(commits) == 20 and len(commits) < 20  # grouped: fewer commits than records


def test_a_failed_group_commit_fails_every_request_waiting_on_it(database_url):
    import asyncio

    from adcraft.serving.feedback import ServedWriter, served_record

    state = FeedbackState(database_url)

    def broken(records, after):
        raise OSError("disk full")

    state.record_served_many = broken
    writer = ServedWriter(state)

    async def both():
        return await asyncio.gather(*(writer.write(served_record(
            f"r{i}", "S1", "all", None, [])) for i in range(3)), return_exceptions=True)

    assert [type(e) for e in asyncio.run(both())] == [OSError] * 3
    assert writer.writing is None and not writer.pending  # the next request starts afresh
