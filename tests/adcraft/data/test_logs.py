from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.logs import (
    CopyMapping,
    EventMapping,
    ReviewMapping,
    Timestamps,
    load_copy,
    load_events,
    load_reviews,
)

EVENTS = EventMapping(shopper_id="user", product_id="item", event_type="action", ts="time",
                      event_names={"pv": "view", "add_to_cart": "cart", "buy": "purchase"},
                      timestamps=Timestamps(format="%d/%m/%Y %H:%M", timezone="Asia/Kolkata"))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_events_renamed_and_local_times_read_as_utc(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "user,item,action,time\n"
                 "u1,p1,pv,01/03/2024 10:30\n"
                 "u1,p1,add_to_cart,01/03/2024 10:31\n"
                 "u2,,search,02/03/2024 09:00\n"
                 "u1,p1,buy,01/03/2024 10:40\n")
    events = load_events(path, EVENTS)
    assert events["event_type"].cast(pl.String).to_list() == ["view", "cart", "search",
                                                              "purchase"]
    assert events["ts"][0] == datetime(2024, 3, 1, 5, 0, tzinfo=UTC)  # IST is UTC+5:30
    assert events["product_id"][2] is None


def test_epoch_milliseconds_and_iso_times(tmp_path: Path) -> None:
    epoch = EVENTS.model_copy(update={"timestamps": Timestamps(epoch="ms")})
    path = write(tmp_path, "e.csv", "user,item,action,time\nu1,p1,pv,1709288400000\n")
    assert load_events(path, epoch)["ts"][0] == datetime(2024, 3, 1, 10, 20, tzinfo=UTC)
    iso = EVENTS.model_copy(update={"timestamps": Timestamps()})
    path = write(tmp_path, "i.csv", "user,item,action,time\nu1,p1,pv,2024-03-01T10:20:00Z\n")
    assert load_events(path, iso)["ts"][0] == datetime(2024, 3, 1, 10, 20, tzinfo=UTC)


def test_a_bad_timestamp_names_file_line_column_and_value(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "user,item,action,time\n"
                 "u1,p1,pv,01/03/2024 10:30\n"
                 "u1,p2,pv,2024-03-01 10:31\n")
    with pytest.raises(DataError) as err:
        load_events(path, EVENTS)
    e = err.value
    assert (e.line, e.row, e.field) == (3, 2, "time")
    assert "'2024-03-01 10:31'" in str(e) and "'%d/%m/%Y %H:%M'" in str(e)
    assert str(path) in str(e)


def test_an_unmapped_event_type_stops_or_is_dropped_and_counted(tmp_path: Path,
                                                                caplog) -> None:
    path = write(tmp_path, "events.csv", "user,item,action,time\n"
                 "u1,p1,pv,01/03/2024 10:30\n"
                 "u1,p1,share,01/03/2024 10:31\n"
                 "u1,p1,share,01/03/2024 10:32\n")
    with pytest.raises(DataError, match=r"events.csv:3, row 2: field 'action': unknown "
                                        r"event type 'share'"):
        load_events(path, EVENTS)
    dropping = EVENTS.model_copy(update={"other_events": "drop"})
    with caplog.at_level("INFO"):
        events = load_events(path, dropping)
    assert events.height == 1
    assert "2 events" in caplog.text and "'share' x2" in caplog.text


def test_a_mapping_to_no_adcraft_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="adcraft's event types"):
        EventMapping(shopper_id="u", event_type="a", ts="t", event_names={"pv": "look"})


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "user,item,what,time\nu1,p1,pv,01/03/2024 10:30\n")
    with pytest.raises(DataError, match="field 'action': missing column"):
        load_events(path, EVENTS)


def test_headerless_log_with_named_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", "1,10,pv,1511544070\n2,11,buy,1511544071\n")
    mapping = EventMapping(shopper_id="u", product_id="i", event_type="b", ts="t",
                           has_header=False, columns=["u", "i", "b", "t"],
                           event_names={"pv": "view", "buy": "purchase"},
                           timestamps=Timestamps(epoch="s"))
    events = load_events(path, mapping)
    assert events["shopper_id"].to_list() == ["1", "2"]


def test_reviews_and_their_bad_rating(tmp_path: Path) -> None:
    mapping = ReviewMapping(shopper_id="user", product_id="item", rating="stars",
                            text="body", ts="when")
    path = write(tmp_path, "reviews.csv", "user,item,stars,body,when\n"
                 "u1,p1,4.0,\"Soft, warm, fits well\",2024-03-01\n")
    reviews = load_reviews(path, mapping)
    assert reviews.row(0, named=True) | {"ts": None} == {
        "shopper_id": "u1", "product_id": "p1", "rating": 4.0, "title": None,
        "text": "Soft, warm, fits well", "ts": None}
    bad = write(tmp_path, "bad.csv", "user,item,stars,body,when\nu1,p1,four,ok,2024-03-01\n")
    with pytest.raises(DataError, match=r"bad.csv:2, row 1: field 'stars': 'four' is not"):
        load_reviews(bad, mapping)


def test_historical_copy_with_clicks_over_impressions(tmp_path: Path) -> None:
    mapping = CopyMapping(product_id="sku", text="headline", clicks="c", impressions="n")
    path = write(tmp_path, "copy.csv", "sku,headline,c,n\np1,Warm wool for cold days,5,100\n"
                 "p2,Never shown,0,0\n")
    copy = load_copy(path, mapping)
    assert copy["ctr"].to_list() == [0.05, None]
    assert copy["kind"].cast(pl.String).to_list() == ["ad_copy", "ad_copy"]
    assert copy["source"].unique().to_list() == ["historical"]
    with pytest.raises(ValueError, match="both clicks and impressions"):
        CopyMapping(product_id="sku", text="h", clicks="c")


def test_json_lines_logs(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", '{"user": "u1", "item": "p1", "action": "pv", '
                 '"time": 1709288400}\n')
    mapping = EVENTS.model_copy(update={"timestamps": Timestamps(epoch="s")})
    assert load_events(path, mapping)["ts"][0] == datetime(2024, 3, 1, 10, 20, tzinfo=UTC)
