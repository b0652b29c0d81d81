"""Off-policy evaluation on logged data: what click rate would "show the items the
conversion model ranks highest" have had, estimated from uniformly random logs?

    python -m pipelines.evaluate_ope --dataset obd --campaign all --test-share 0.3

Uses the champion `adcraft-conversion-<dataset>-<campaign>` (train it first with
tune_conversion and the same --campaign and --test-share, so the test window is the
same and unseen by the model). Logged data: the random policy's impressions in the test
window. Compared with the other logging policy in the same window (OBD: Bernoulli
Thompson sampling), whose click rate is simply observed.
"""

from __future__ import annotations

import argparse
import logging
import sys

import mlflow
import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.features.training import split_fractions
from adcraft.models.conversion_data import conversion_data
from adcraft.models.conversion_pyfunc import native_model
from adcraft.registry import CHAMPION, Registry
from adcraft.settings import get_settings
from adcraft.strategy.ranking_policy import ranking_policy_value
from pipelines._common import start_job

log = logging.getLogger("pipelines.evaluate_ope")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="obd")
    p.add_argument("--campaign", default="all")
    p.add_argument("--test-share", type=float, default=0.3)
    p.add_argument("--logged-policy", default="random", help="the log to estimate from")
    p.add_argument("--compare-policy", default="bts", help="the log to compare with")
    p.add_argument("--bootstrap", type=int, default=2000)
    args = p.parse_args(argv)
    start_job()
    settings = get_settings()
    registry = Registry(settings)
    name = f"adcraft-conversion-{args.dataset}-{args.campaign}"
    if registry.alias_version(name, CHAMPION) is None:
        log.error("no %s@%s: run `python -m pipelines.tune_conversion --dataset %s "
                  "--campaign %s --test-share %s` first", name, CHAMPION, args.dataset,
                  args.campaign, args.test_share)
        return 2
    model = native_model(registry.load(name, CHAMPION))
    tables = read_tables(dataset_dir(args.dataset, settings) / "tables")
    test = conversion_data(tables, args.campaign, None,
                           split_fractions(args.test_share)).splits["test"]
    logged = tables["impressions"].join(test.select("impression_id"), on="impression_id")
    by_policy = {k[0]: v for k, v in logged.partition_by("policy", as_dict=True).items()}
    if args.logged_policy not in by_policy:
        log.error("no %s-policy rows in the test window", args.logged_policy)
        return 2
    value = ranking_policy_value(model, by_policy[args.logged_policy], tables["products"],
                                 tables.get("shoppers"), n_boot=args.bootstrap)
    compare = by_policy.get(args.compare_policy, pl.DataFrame({"clicked": []}))
    compare_ctr = compare["clicked"].mean() if compare.height else float("nan")
    base = value.logged_ctr
    lines = [f"{args.dataset}/{args.campaign}, test window: {value.n:,} {args.logged_policy} "
             f"rounds (CTR {base:.3%}), {compare.height:,} {args.compare_policy} rounds "
             f"(CTR {compare_ctr:.3%}); model v{registry.alias_version(name, CHAMPION)} "
             f"agrees with the log on {value.agreement:.1%} of rounds"]
    for key, e in value.estimates.items():
        lines.append(f"  {key:<6} CTR {e.value:.3%}  [{e.ci_low:.3%}, {e.ci_high:.3%}]  "
                     f"= {e.value / base:.2f}x {args.logged_policy}" if base else "")
    lines.append(f"  {args.compare_policy:<6} CTR {compare_ctr:.3%} observed "
                 f"= {compare_ctr / base:.2f}x {args.logged_policy}" if base else "")
    print("\n".join(lines))
    with registry.run(f"ope-{args.dataset}-{args.campaign}",
                      tags={"dataset": args.dataset, "campaign": args.campaign}):
        mlflow.log_params(vars(args))
        mlflow.log_metrics({"logged_ctr": base, "compare_ctr": compare_ctr,
                            "agreement": value.agreement,
                            **{f"{k}_ctr": e.value for k, e in value.estimates.items()},
                            **{f"{k}_ci_low": e.ci_low for k, e in value.estimates.items()},
                            **{f"{k}_ci_high": e.ci_high for k, e in value.estimates.items()}})
        registry.log_json({"report": lines}, "ope_report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
