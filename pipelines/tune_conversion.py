"""Tune, train, evaluate and register the conversion model (XGBoost, Ray Tune + ASHA).

    python -m pipelines.tune_conversion                        # the synthetic shop
    python -m pipelines.tune_conversion --dataset obd --campaign men --policy random
    ray job submit --working-dir . -- python -m pipelines.tune_conversion --trials 8

Recipe: setup (rows, time split, Ray) -> search (trials report validation AUC every
boosting round; ASHA stops the weak ones) -> train (best config refit on train+valid,
calibrated on the calib slice) -> evaluate (once, on the test slice; plots) -> register
(new version of the model; the promotion gate moves `champion` only if it beats the
current champion on the same test slice, --force overrides and is logged as forced).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile

import mlflow
import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.eval import classification_report
from adcraft.eval.plots import calibration_figure, feature_importance_figure, roc_curve_figure
from adcraft.features.training import split_fractions
from adcraft.models.conversion import ConversionConfig, ConversionModel
from adcraft.models.conversion_data import conversion_data, held_out_scores
from adcraft.models.conversion_pyfunc import MODEL_CODE, native_model, pyfunc_input
from adcraft.models.tuning import run_search, search_data
from adcraft.promotion import register_and_gate
from adcraft.registry import CHAMPION, Registry
from adcraft.settings import get_settings
from adcraft.specs import CONVERSION, MODELS
from pipelines import ingest
from pipelines._common import run_recipe, start_job

log = logging.getLogger("pipelines.tune_conversion")



def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", default="synthetic",
                   help="an ingested dataset (synthetic and obd are ingested if missing)")
    p.add_argument("--campaign", help="only this campaign's impressions (OBD: all, men, women)")
    p.add_argument("--policy", help="only impressions logged by this policy (OBD: random, bts)")
    p.add_argument("--test-share", type=float,
                   help="share of the log (latest in time) held out for the test (default 0.15)")
    p.add_argument("--trials", type=int, default=8, help="number of Tune trials")
    p.add_argument("--cpus-per-trial", type=int, default=1, help="CPUs (XGBoost threads) each")
    p.add_argument("--max-rounds", type=int, default=300, help="boosting rounds at most")
    p.add_argument("--scheduler", choices=["asha", "grid"], default="asha")
    p.add_argument("--model-name", help="registered model (default: adcraft-conversion, "
                                        "suffixed with the dataset and campaign if not synthetic)")
    p.add_argument("--force", action="store_true", help="promote even if the gate says no")
    return p.parse_args(argv)


class TuneConversionRecipe:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.settings = get_settings()
        self.name = args.model_name or "-".join(
            [CONVERSION]
            + ([args.dataset] if args.dataset != "synthetic" else [])
            + ([args.campaign] if args.campaign else []))
        self.registry = Registry(self.settings)

    def setup(self) -> None:
        folder = dataset_dir(self.args.dataset, self.settings) / "tables"
        if not folder.is_dir() and self.args.dataset in ("synthetic", "obd"):
            ingest.main([self.args.dataset])
        self.data = conversion_data(read_tables(folder), self.args.campaign, self.args.policy,
                                    split_fractions(self.args.test_share))
        log.info("rows: %s", self.data.describe())
        import ray

        self.started_ray = not ray.is_initialized()
        if self.started_ray:
            ray.init(address=os.environ.get("RAY_ADDRESS"), log_to_driver=False)

    def search(self) -> None:
        base = ConversionConfig(nthread=self.args.cpus_per_trial, seed=self.settings.seed)
        self.probe = ConversionModel(self.data.spec, base)
        self.probe.encoder.fit(self.data.splits["train"])
        arrays = search_data(self.probe.encoder, self.data.splits["train"],
                             self.data.splits["valid"])
        self.result = run_search(
            arrays, base, trials=self.args.trials, cpus_per_trial=self.args.cpus_per_trial,
            max_rounds=self.args.max_rounds, scheduler=self.args.scheduler,
            storage_path=str((self.settings.home / "ray_results").resolve()),
            seed=self.settings.seed)
        log.info("search: best valid AUC %.4f at %d rounds, %d trials in %.1fs",
                 self.result.best_auc, self.result.best_rounds, self.result.trials,
                 self.result.wall_s)

    def train(self) -> None:
        s, config = self.data.splits, self.result.best_config
        rounds = ConversionModel(self.data.spec, config).fit(s["train"], s["valid"]).best_rounds
        both = pl.concat([s["train"], s["valid"]])
        self.model = ConversionModel(self.data.spec, config).fit(both, rounds=rounds)
        self.model.calibrate(s["calib"])

    def evaluate(self) -> None:
        test = self.data.splits["test"]
        self.scores = held_out_scores(self.model, test)
        self.raw_ece = classification_report(
            test["clicked"], self.model.predict(test, calibrated=False)["p_click"])["ece"]
        champion = self.registry.alias_version(self.name, CHAMPION)
        self.champion_version, self.champion_scores = champion, None
        if champion is not None:
            champion_model = native_model(self.registry.load(self.name, CHAMPION))
            self.champion_scores = held_out_scores(champion_model, test)
        log.info("test: %s (ECE before calibration %.4f); champion v%s: %s", self.scores,
                 self.raw_ece, champion, self.champion_scores)


    def register(self) -> None:
        a, test = self.args, self.data.splits["test"]
        with self.registry.run(f"tune-{self.name}", tags={"dataset": a.dataset}) as run:
            mlflow.log_params({"dataset": a.dataset, "campaign": a.campaign, "policy": a.policy,
                               "test_share": a.test_share,
                               "trials": self.result.trials, "scheduler": a.scheduler,
                               "best_rounds": self.result.best_rounds,
                               **self.result.best_config.model_dump(by_alias=True)})
            mlflow.log_metrics({f"test_{k}": v for k, v in self.scores.items()}
                               | {"search_best_valid_auc": self.result.best_auc,
                                  "search_wall_s": self.result.wall_s,
                                  "test_ece_uncalibrated": self.raw_ece})
            y, p = test["clicked"], self.model.predict(test)["p_click"]
            self.registry.log_figure(roc_curve_figure(y, p, self.name), "roc")
            self.registry.log_figure(calibration_figure(y, p), "calibration")
            self.registry.log_figure(feature_importance_figure(
                self.model.feature_importance()), "feature_importance")
            with tempfile.TemporaryDirectory() as tmp:
                info = mlflow.pyfunc.log_model(
                    name="model", python_model=MODEL_CODE,
                    artifacts={"model": str(self.model.save(f"{tmp}/conversion"))},
                    input_example=pyfunc_input(test.head(5), self.data.spec),
                    pip_requirements=list(MODELS[CONVERSION].pip_requirements))
            version, decision = register_and_gate(
                self.registry, self.name, info.model_uri, self.scores, self.champion_scores,
                self.champion_version, f"dataset={a.dataset} campaign={a.campaign}", a.force)
            self.version, self.decision, self.run_id = version, decision, run.info.run_id
        verdict = "promoted to champion" if decision.promote else "NOT promoted"
        print(f"{self.name} v{version}: {verdict}{' (forced)' if decision.forced else ''}"
              f" - {decision.reason}\n  test AUC {self.scores['auc']:.4f}, log loss "
              f"{self.scores['log_loss']:.4f}, ECE {self.scores['ece']:.4f} "
              f"(uncalibrated {self.raw_ece:.4f})")

    def cleanup(self) -> None:
        import ray

        if getattr(self, "started_ray", False):
            ray.shutdown()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    recipe = TuneConversionRecipe(args)
    return run_recipe(recipe, ["setup", "search", "train", "evaluate", "register"], log)


if __name__ == "__main__":
    sys.exit(main())
