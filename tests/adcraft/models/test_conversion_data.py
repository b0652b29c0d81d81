from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from adcraft.data.schemas import conform
from adcraft.models.conversion_data import conversion_data, impressions_from_events

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def events(rows: list[tuple[str, str | None, str, int]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["shopper_id", "product_id", "event_type", "minute"],
                         orient="row")
    return conform(frame.with_columns(ts=pl.lit(T0) + pl.duration(minutes="minute"))
                   .drop("minute"), "events")


def test_a_view_is_an_impression_clicked_by_what_follows_within_a_day() -> None:
    log = events([("u1", "p1", "view", 0), ("u1", "p1", "cart", 5),  # engaged
                  ("u1", "p1", "purchase", 9),
                  ("u1", "p2", "view", 10), ("u1", "p2", "purchase", 10 + 25 * 60),  # too late
                  ("u2", "p1", "view", 3), ("u2", "p3", "click", 4),  # another product
                  ("u2", None, "search", 5), ("u2", "p1", "cart", 1)])  # before the view
    imps = impressions_from_events(log).sort("shopper_id", "product_id")
    assert imps.select("shopper_id", "product_id", "clicked", "converted").rows() == [
        ("u1", "p1", True, True), ("u1", "p2", False, False), ("u2", "p1", False, False)]
    assert imps["propensity"].unique().to_list() == [1.0]
    assert imps["policy"].unique().to_list() == ["organic"]
    assert imps["impression_id"].is_unique().all()


def test_no_views_no_impressions() -> None:
    assert impressions_from_events(events([("u1", "p1", "purchase", 0)])).height == 0
    assert impressions_from_events(None).height == 0


def test_a_real_click_log_without_impressions_trains(shared_data: Path) -> None:
    from adcraft.data.taobao import load_taobao

    tables = load_taobao(shared_data / "taobao_user_behavior" / "UserBehavior.csv")
    data = conversion_data(tables)
    assert sum(s.height for s in data.splits.values()) == (
        tables["events"]["event_type"] == "view").sum()
    assert 0 < data.splits["train"]["clicked"].mean() < 0.2  # a real, rare engagement


def test_nothing_to_learn_from_is_said() -> None:
    tables = {"products": conform(pl.DataFrame({"product_id": ["p1"]}), "products"),
              "events": events([("u1", "p1", "purchase", 0)])}
    with pytest.raises(ValueError, match="no impressions, nor views"):
        conversion_data(tables)


def test_views_a_week_apart_are_separate_impressions() -> None:
    log = events([("u1", "p1", "view", 0), ("u1", "p1", "view", 7 * 24 * 60),
                  ("u1", "p1", "cart", 7 * 24 * 60 + 1)])
    imps = impressions_from_events(log, window=timedelta(days=1)).sort("ts")
    assert imps["clicked"].to_list() == [False, True]
