"""The demo's whole path on tiny settings: small shop, a tiny generator, two Tune trials;
the Serve application started by the demo answers with copy, and a re-run reuses it all."""

from __future__ import annotations

from adcraft.registry import CHAMPION, Registry
from adcraft.retrieval.index import index_model
from adcraft.settings import get_settings
from adcraft.store.copy import CopyStore, QueueFilter
from adcraft.store.db import store_engine
from pipelines import demo

TINY = ["--trials", "2", "--copy-pairs", "6", "--eval-pairs", "3", "--epochs", "1",
        "--quick-eval", "--batch-candidates", "2"]


def test_demo_builds_everything_serves_and_reuses_it(home, ray_local, tiny_model_dir, capsys):
    assert demo.main([*TINY, "--generator-model", str(tiny_model_dir), "--port", "0"]) == 0
    out = capsys.readouterr().out
    for part in ("[11/11] serve the application", "batch copy into the store",
                 "== Copy generator", "adcraft-generator v1:",
                 "Synthetic shop", "Open Bandit Dataset sample", "60,000 rows",
                 "hidden favourite", "Into:", "new, no history yet",
                 "adcraft-conversion@champion = v1", "auc 0.", "hr_at_10",
                 "application up at http://127.0.0.1:", "A new visitor searching",
                 "== Query it yourself", "curl -s http://127.0.0.1:"):
        assert part in out, part
    assert (home / "data" / "obd" / "features" / "item_features.parquet").is_file()
    registry = Registry()
    # champions for every model, and the index the Ranker loads
    assert registry.alias_version("adcraft-conversion", CHAMPION) == 1
    assert registry.alias_version("adcraft-generator", CHAMPION) == 1
    assert registry.alias_version(index_model("synthetic"), CHAMPION) == 1
    # the application answered with copy for both shoppers (degraded template copy is
    # still grounded copy: the tiny random model rarely passes the guardrails)
    answers = out.split("application up at")[1]
    assert answers.count("Shopper S") == 2
    assert answers.count(" by the generator") + answers.count(" by the template") >= 6
    assert "conversion adcraft-conversion/1" in answers
    # what it showed the shoppers was written and approved before they asked
    assert answers.count("approved in the copy store") >= 6
    # the batch job's copy is in the store, approved automatically (and logged so)
    store = CopyStore(store_engine(get_settings().database_url))
    approved = store.queue(QueueFilter(status="approved"))
    kinds = {r["kind"] for r in store.queue(QueueFilter(status="approved"), limit=200).items}
    assert approved.total >= 4 and kinds == {"email_subject", "recommendation_reason"}
    assert store.reviews(approved.items[0]["id"])[0]["action"] == "auto_approve"

    # a re-run reuses what is built: no new versions, no new index, no new copy
    proposed = store.queue().total
    assert demo.main([*TINY, "--no-serve"]) == 0
    again = capsys.readouterr().out
    assert again.count("built already, reused") == 7
    assert registry.versions("adcraft-conversion") == [1]
    assert registry.versions("adcraft-generator") == [1]
    assert store.queue().total == proposed  # the batch job resumed: nothing new
