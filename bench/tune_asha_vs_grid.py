"""ASHA (random search, unpromising trials stopped early) versus a grid of the same
trial budget run to the end, on the same conversion rows, in one run.

    python -m bench.tune_asha_vs_grid [--impressions 50000] [--max-rounds 300]

Prints each search's best validation AUC, the test AUC of its best config, wall time,
and the ratio of wall times.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import ray

from adcraft.data.synthetic import build_shop
from adcraft.eval import auc
from adcraft.models.conversion import ConversionConfig, ConversionModel
from adcraft.models.conversion_data import conversion_data
from adcraft.models.tuning import GRID, run_search, search_data
from adcraft.settings import ShopSettings


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impressions", type=int, default=50_000)
    p.add_argument("--max-rounds", type=int, default=300)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    budget = 1
    for values in GRID.values():
        budget *= len(values)
    shop = build_shop(ShopSettings(n_impressions=args.impressions), seed=args.seed)
    data = conversion_data(shop.tables())
    s = data.splits
    encoder = ConversionModel(data.spec).encoder.fit(s["train"])
    arrays = search_data(encoder, s["train"], s["valid"])
    print(f"rows: {data.describe()}; trial budget {budget} each, "
          f"max {args.max_rounds} rounds, 1 CPU per trial, {os.cpu_count()} CPUs")
    ray.init(num_cpus=os.cpu_count(), log_to_driver=False, configure_logging=False)
    results = {}
    with tempfile.TemporaryDirectory() as storage:
        for scheduler in ("asha", "grid"):
            r = run_search(arrays, ConversionConfig(), trials=budget, cpus_per_trial=1,
                           max_rounds=args.max_rounds, scheduler=scheduler,
                           storage_path=storage, seed=args.seed)
            model = ConversionModel(data.spec, r.best_config).fit(
                s["train"], rounds={"clicked": r.best_rounds})
            results[scheduler] = (r, auc(s["test"]["clicked"], model.predict(s["test"])["p_click"]))
    ray.shutdown()
    print(f"\n{'search':<8}{'best valid AUC':>16}{'test AUC':>10}{'rounds':>8}{'wall s':>9}")
    for name, (r, test_auc) in results.items():
        print(f"{name:<8}{r.best_auc:>16.4f}{test_auc:>10.4f}{r.best_rounds:>8}{r.wall_s:>9.1f}")
    asha, grid = results["asha"][0], results["grid"][0]
    print(f"\nwall time grid/asha: {grid.wall_s / asha.wall_s:.2f}x; "
          f"valid AUC asha - grid: {asha.best_auc - grid.best_auc:+.4f}")


if __name__ == "__main__":
    main()
