"""Fine-tune the copy generator (Ray Train + DeepSpeed), evaluate it against the model
it started from, register it in MLflow and promote it through the gate.

    python -m pipelines.finetune_generator --lora                  # synthetic shop, CPU
    python -m pipelines.finetune_generator --lora \\
        --catalogue ../shared/data/myntra/myntra_products_catalog.csv --mapping myntra
    python -m pipelines.finetune_generator --use-gpu --num-workers 4 --zero-stage 3
    ray job submit --working-dir . -- python -m pipelines.finetune_generator --lora

Recipe: setup (requests from the shop or a real catalogue with synthetic visitors;
shoppers and products split into train and held out) -> dataset (best-of-n: the base
generator writes n variants per training request, the template writer adds its own, the
guardrails drop failures, the conversion model and the shop's click model pick the best;
plus the shop's best historical copy) -> evaluate the base on held-out requests -> train
(TorchTrainer workers with DeepSpeed ZeRO; a run of the same --name resumes) -> export
and evaluate the fine-tuned model on the same requests -> register `adcraft-generator`
and move `champion` if it beats the champion (or, with none yet, the base) on grounding
and predicted CTR without losing more than 0.1 distinct-2.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import mlflow

from adcraft.content.bestofn import (
    best_of_n,
    held_out,
    history_examples,
    human_examples,
    make_requests,
)
from adcraft.content.contexts import (
    MAPPINGS,
    catalogue_context,
    dataset_context,
    synthetic_context,
)
from adcraft.content.evaluation import METRICS, evaluate_generator
from adcraft.content.prompts import build_messages
from adcraft.data.advertisegen import load_advertisegen
from adcraft.eval.plots import loss_curves_figure
from adcraft.models.conversion_pyfunc import native_model
from adcraft.models.finetune import FinetuneConfig, export_model, run_finetune
from adcraft.models.generator import CopyGenerator, GenerationSettings
from adcraft.models.generator_pyfunc import ARTIFACT, MODEL_CODE, native_generator
from adcraft.promotion import register_and_gate
from adcraft.registry import CHAMPION, Registry
from adcraft.settings import Settings, get_settings
from adcraft.specs import CONVERSION, GENERATOR, MODELS
from pipelines._common import run_recipe, start_job

log = logging.getLogger("pipelines.finetune_generator")

MODEL_NAME = GENERATOR
HELD_OUT = 0.2  # share of shoppers and of products kept out of training


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    data = p.add_argument_group("data")
    data.add_argument("--catalogue", help="a real catalogue file (CSV or Parquet) to write "
                                          "for, with synthetic visitors (default: the shop)")
    data.add_argument("--mapping", default="myntra", choices=sorted(MAPPINGS),
                      help="how the catalogue's columns map to products")
    data.add_argument("--dataset", help="an ingested dataset (`adcraft train --shop`): its "
                                        "products, shoppers (synthetic visitors where it has "
                                        "none yet) and historical copy")
    data.add_argument("--visitors", type=int, default=300, help="synthetic visitors")
    data.add_argument("--pairs", type=int, default=48, help="training requests (best-of-n)")
    data.add_argument("--n", type=int, default=4, help="variants per request (the n of "
                                                       "best-of-n, and of evaluation)")
    data.add_argument("--eval-pairs", type=int, default=16, help="held-out requests")
    data.add_argument("--history", type=int, default=16,
                      help="at most this many examples from the shop's historical copy")
    data.add_argument("--human-copy", help="human-written copy in the AdvertiseGen layout "
                      "(JSON lines of content: 'key#value*...', summary: the copy), e.g. "
                      "../shared/data/advertisegen/dev.json")
    data.add_argument("--human", type=int, default=32,
                      help="at most this many examples from --human-copy")
    data.add_argument("--no-templates", action="store_true",
                      help="best-of-n among the generator's own variants only")
    data.add_argument("--max-new-tokens", type=int,
                   default=GenerationSettings().max_new_tokens)
    train = p.add_argument_group("training")
    train.add_argument("--model-dir", help="base model folder (default: the settings' "
                                           "generator, SmolLM2-135M-Instruct)")
    train.add_argument("--from-config", action="store_true",
                       help="random weights from the folder's config (tiny test models)")
    train.add_argument("--lora", action="store_true", help="train LoRA adapters (peft)")
    train.add_argument("--zero-stage", type=int, choices=[2, 3], default=2)
    train.add_argument("--offload", action="store_true", help="optimizer state on the CPU")
    train.add_argument("--use-gpu", action="store_true", help="GPU workers, bf16")
    train.add_argument("--num-workers", type=int, default=2)
    train.add_argument("--epochs", type=int, default=2)
    train.add_argument("--batch-size", type=int, default=4, help="per worker")
    train.add_argument("--lr", type=float, help="learning rate (default 2e-4; 1e-3 with LoRA)")
    train.add_argument("--max-length", type=int, default=448, help="tokens per example")
    train.add_argument("--name", help="Ray Train run name (default: time-stamped)")
    train.add_argument("--resume", action="store_true", help="resume the run called --name")
    p.add_argument("--model-name", default=MODEL_NAME, help="registered model name")
    p.add_argument("--force", action="store_true", help="promote even if the gate says no")
    return p.parse_args(argv)


class FinetuneGeneratorRecipe:
    def __init__(self, args: argparse.Namespace):
        self.args, self.settings = args, get_settings()
        self.registry = Registry(self.settings)
        self.gen_settings = GenerationSettings(max_new_tokens=args.max_new_tokens,
                                               seed=self.settings.seed)
        self.base_dir = Path(args.model_dir or self.settings.generator_model_dir)
        self.run_name = args.name or time.strftime("generator-%Y%m%d-%H%M%S")
        self.out_dir = (self.settings.home / "models" / self.run_name).resolve()

    def setup(self) -> None:
        a, s = self.args, self.settings
        self.ctx, self.history, split = shop_context(a, s, self.registry)
        self.train_requests = make_requests(self.ctx, *split["train"], a.pairs, s.seed,
                                            n_variants=a.n)
        self.eval_requests = held_out_requests(self.ctx, split, a.eval_pairs, a.n, s.seed)
        import ray

        self.started_ray = not ray.is_initialized()
        if self.started_ray:
            ray.init(address=os.environ.get("RAY_ADDRESS"), log_to_driver=False)

    def dataset(self) -> None:
        started = time.perf_counter()
        base = CopyGenerator.from_folder(self.base_dir)
        self.base_champion = self.registry.alias_version(self.args.model_name, CHAMPION)
        generated = base.generate([build_messages(r) for r in self.train_requests],
                                  n=self.args.n, settings=self.gen_settings)
        self.bon = best_of_n(self.ctx, self.train_requests, generated,
                             templates=not self.args.no_templates, history=self.history)
        history = history_examples(self.ctx, self.history)[:self.args.history]
        human = []
        if self.args.human_copy:
            human = human_examples(load_advertisegen(self.args.human_copy))[:self.args.human]
            log.info("human copy: %d examples from %s", len(human), self.args.human_copy)
        self.examples = self.bon.examples + history + human
        if len(self.examples) < self.args.num_workers:
            raise ValueError(f"only {len(self.examples)} examples passed the guardrails")
        log.info("dataset: %d best-of-n + %d historical + %d human examples in %.1fs",
                 len(self.bon.examples), len(history), len(human),
                 time.perf_counter() - started)
        self.base_scores, _ = self.evaluate_on_held_out(base)
        log.info("base on held-out: %s", _fmt(self.base_scores))

    def train(self) -> None:
        a = self.args
        lr = a.lr or (1e-3 if a.lora else 2e-4)
        self.cfg = FinetuneConfig(
            model_dir=str(self.base_dir), from_config=a.from_config, zero_stage=a.zero_stage,
            offload=a.offload, lora=a.lora, lr=lr, epochs=a.epochs, batch_size=a.batch_size,
            max_length=a.max_length, num_workers=a.num_workers, use_gpu=a.use_gpu,
            seed=self.settings.seed)
        started = time.perf_counter()
        self.result = run_finetune(self.examples, self.cfg,
                                   self.settings.home / "ray_results" / "generator",
                                   self.run_name, resume=a.resume)
        self.train_s = time.perf_counter() - started
        if self.result.error:
            raise RuntimeError(f"training failed: {self.result.error}")
        log.info("trained in %.1fs: %s", self.train_s, self.result.metrics.get("epoch_losses"))

    def evaluate(self) -> None:
        if self.out_dir.exists():
            shutil.rmtree(self.out_dir)
        export_model(self.result.checkpoint, self.cfg, self.out_dir)
        tuned = CopyGenerator.from_folder(self.out_dir)
        self.scores, self.shown = self.evaluate_on_held_out(tuned)
        log.info("fine-tuned on held-out: %s", _fmt(self.scores))
        self.champion_scores = self.base_scores  # no champion yet: beat the base model
        if self.base_champion is not None:
            champion, _ = self.registry.load_champion(self.args.model_name)
            self.champion_scores, _ = self.evaluate_on_held_out(native_generator(champion))

    def evaluate_on_held_out(self, generator: CopyGenerator):
        """(scores, shown copy): the held-out requests, sampled and picked as serving does."""
        return evaluate_generator(generator, self.ctx, self.eval_requests, self.args.n,
                                  self.gen_settings, self.settings.serving.selection)

    def register(self) -> None:
        a, m = self.args, self.result.metrics
        with self.registry.run(f"finetune-{a.model_name}",
                               tags={"dataset": a.dataset or a.catalogue or "synthetic"}) as run:
            mlflow.log_params({**self.cfg.model_dump(exclude={"lora_target_modules"}),
                               "pairs": a.pairs, "n": a.n, "eval_pairs": a.eval_pairs,
                               "catalogue": a.catalogue, "examples": len(self.examples),
                               "human_copy": a.human_copy})
            mlflow.log_metrics({f"dataset_{k}": v for k, v in self.bon.summary().items()}
                               | {f"base_{k}": v for k, v in self.base_scores.items()}
                               | {f"test_{k}": v for k, v in self.scores.items()}
                               | {"train_s": self.train_s, "final_loss": m["loss"]})
            for step, loss in enumerate(m["epoch_losses"]):
                mlflow.log_metric("epoch_loss", loss, step=step)
            self.registry.log_figure(loss_curves_figure(
                {"train loss (last epoch's steps)": m["step_losses"]}, xlabel="Step"),
                "loss_steps")
            self.registry.log_figure(loss_curves_figure({"train loss": m["epoch_losses"]}),
                                     "loss_epochs")
            self.registry.log_json(self.examples[:50], "dataset/examples_sample.json")
            self.registry.log_json(self.shown, "evaluation/shown_copy.json")
            info = mlflow.pyfunc.log_model(
                name="model", python_model=MODEL_CODE, artifacts={ARTIFACT: str(self.out_dir)},
                pip_requirements=list(MODELS[GENERATOR].pip_requirements))
            version, decision = register_and_gate(
                self.registry, a.model_name, info.model_uri, self.scores, self.champion_scores,
                self.base_champion, f"fine-tuned from {self.base_dir.name}", a.force,
                {"gate.against": "champion" if self.base_champion else "base"})
            self.version, self.decision, self.run_id = version, decision, run.info.run_id
        verdict = "promoted to champion" if decision.promote else "NOT promoted"
        print(f"{a.model_name} v{version}: {verdict}{' (forced)' if decision.forced else ''}"
              f" - {decision.reason}\n" + _table(self.base_scores, self.scores))

    def cleanup(self) -> None:
        import ray

        if getattr(self, "started_ray", False):
            ray.shutdown()



def shop_context(a: argparse.Namespace, s: Settings, registry: Registry):
    """(shop context, historical copy, split) for the shop or `a.catalogue`. `split`:
    {"train"|"held_out": (shopper ids, product ids)}, by a stable hash, so every run
    (and `pipelines.evaluate_generator`) holds out the same ones."""
    conversion = None
    # a shop's own conversion model scores its copy, where `adcraft train` made one
    name = next((n for n in ([f"{CONVERSION}-{a.dataset}"] if a.dataset else []) + [CONVERSION]
                 if registry.alias_version(n, CHAMPION) is not None), None)
    if name is not None:
        conversion = native_model(registry.load(name, CHAMPION))
        log.info("copy is scored by %s@%s", name, CHAMPION)
    if a.dataset:
        if conversion is None:
            raise ValueError(f"no {CONVERSION}-{a.dataset} or {CONVERSION}@champion to score "
                             "copy with: `adcraft train --shop` trains one first")
        ctx, history = dataset_context(s, a.dataset, conversion, a.visitors, s.seed)
    elif a.catalogue:
        if conversion is None:
            raise ValueError(f"no {CONVERSION}@champion to score copy for a catalogue: "
                             "run `python -m pipelines.tune_conversion` first")
        ctx, history = catalogue_context(a.catalogue, a.mapping, conversion, a.visitors,
                                         s.seed)
    else:
        from pipelines import build_features, ingest

        if not (s.data_dir / "synthetic" / "features").is_dir():
            ingest.main(["synthetic"])
            build_features.main(["synthetic"])
        ctx, history = synthetic_context(s, conversion)
    shoppers = ctx.profiles["shopper_id"].to_list()
    products = ctx.products["product_id"].to_list()
    split = {name: ([x for x in shoppers if held_out(x, HELD_OUT) == flag],
                    [x for x in products if held_out(x, HELD_OUT) == flag])
             for name, flag in (("train", False), ("held_out", True))}
    return ctx, history, split


def held_out_requests(ctx, split: dict, pairs: int, n: int, seed: int):
    """The evaluation's requests: held-out shoppers and products only."""
    return make_requests(ctx, *split["held_out"], pairs, seed + 1, n_variants=n)

def _fmt(scores: dict[str, float]) -> str:
    return ", ".join(f"{k} {scores[k]:.3f}" for k in METRICS)


def _table(base: dict[str, float], tuned: dict[str, float]) -> str:
    rows = [f"  {'metric':<26}{'base':>8}{'fine-tuned':>12}"]
    rows += [f"  {k:<26}{base[k]:>8.3f}{tuned[k]:>12.3f}" for k in METRICS]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    recipe = FinetuneGeneratorRecipe(args)
    return run_recipe(recipe, ["setup", "dataset", "train", "evaluate", "register"], log)


if __name__ == "__main__":
    sys.exit(main())
