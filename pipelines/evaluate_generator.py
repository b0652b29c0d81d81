"""Compare copy generators on the same held-out requests, with the same prompts and the
same selection as serving: the base model, registered versions, aliases, or folders.

    python -m pipelines.evaluate_generator                        # base vs champion, shop
    python -m pipelines.evaluate_generator --generators base 2 3 \\
        --catalogue ../shared/data/myntra/myntra_products_catalog.csv --eval-pairs 24
    python -m pipelines.evaluate_generator --generators champion --temperature 1.0

The held-out shoppers and products are those `pipelines.finetune_generator` keeps out of
training (a stable hash of their ids), and the requests are drawn with the same seed, so
`--eval-pairs 24 --n 4` here scores the requests a fine-tuning run with those options
scored. Prints one column per generator and logs them to MLflow (`evaluate-<model>`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import mlflow

from adcraft.content.contexts import MAPPINGS
from adcraft.content.evaluation import METRICS, evaluate_generator
from adcraft.models.generator import CopyGenerator, GenerationSettings
from adcraft.models.generator_pyfunc import native_generator
from adcraft.registry import Registry
from adcraft.settings import CopySelection, get_settings
from pipelines._common import run_recipe, start_job
from pipelines.finetune_generator import MODEL_NAME, held_out_requests, shop_context

log = logging.getLogger("pipelines.evaluate_generator")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--generators", nargs="+", default=["base", "champion"],
                   help="what to compare: base (the settings' model folder, or "
                        "--model-dir), an alias (champion, challenger), a version number, "
                        "or a model folder")
    p.add_argument("--model-name", default=MODEL_NAME, help="registered model name")
    p.add_argument("--model-dir", help="the base model folder (default: the settings')")
    p.add_argument("--catalogue", help="a real catalogue file to write for, with synthetic "
                                       "visitors (default: the shop)")
    p.add_argument("--mapping", default="myntra", choices=sorted(MAPPINGS))
    p.add_argument("--dataset", help="an ingested dataset (`adcraft train --shop`) to write "
                                     "for instead")
    p.add_argument("--visitors", type=int, default=300, help="synthetic visitors")
    p.add_argument("--eval-pairs", type=int, default=16, help="held-out requests")
    p.add_argument("--n", type=int, default=4, help="variants asked for per request")
    p.add_argument("--max-new-tokens", type=int,
                   default=GenerationSettings().max_new_tokens)
    p.add_argument("--temperature", type=float, help="sampling temperature (default: the "
                                                     "generator's, 1.0)")
    p.add_argument("--top-p", type=float, help="nucleus sampling (default 0.95)")
    p.add_argument("--candidates-per-variant", type=float,
                   help="candidates generated per variant (default: the serving settings')")
    p.add_argument("--no-personal-first", action="store_true",
                   help="pick shown variants without preferring personal ones")
    return p.parse_args(argv)


class EvaluateGeneratorRecipe:
    def __init__(self, args: argparse.Namespace):
        self.args, self.settings = args, get_settings()
        self.registry = Registry(self.settings)
        a = args
        update = {k: v for k, v in (("temperature", a.temperature), ("top_p", a.top_p))
                  if v is not None}
        self.gen_settings = GenerationSettings(max_new_tokens=a.max_new_tokens,
                                               seed=self.settings.seed, **update)
        selection = self.settings.serving.selection.model_dump()
        if a.candidates_per_variant is not None:
            selection["candidates_per_variant"] = a.candidates_per_variant
        if a.no_personal_first:
            selection["personal_first"] = False
        self.selection = CopySelection(**selection)

    def setup(self) -> None:
        a = self.args
        self.ctx, _, split = shop_context(a, self.settings, self.registry)
        self.requests = held_out_requests(self.ctx, split, a.eval_pairs, a.n, self.settings.seed)

    def load(self, which: str) -> tuple[str, CopyGenerator]:
        """(label, generator) for one --generators entry."""
        a = self.args
        if which == "base":
            folder = Path(a.model_dir or self.settings.generator_model_dir)
            return f"base ({folder.name})", CopyGenerator.from_folder(folder)
        if Path(which).is_dir():
            return Path(which).name, CopyGenerator.from_folder(which)
        version = int(which) if which.isdigit() else self.registry.alias_version(
            a.model_name, which)
        if version is None:
            raise ValueError(f"{a.model_name}@{which} is not registered (and {which} is not "
                             "a folder)")
        model = self.registry.load_version(a.model_name, version)
        return f"v{version}" + ("" if which.isdigit() else f" ({which})"), native_generator(model)

    def evaluate(self) -> None:
        self.results: dict[str, dict[str, float]] = {}
        self.shown: dict[str, list[dict]] = {}
        for which in self.args.generators:
            started = time.perf_counter()
            label, generator = self.load(which)
            scores, shown = evaluate_generator(generator, self.ctx, self.requests, self.args.n,
                                               self.gen_settings, self.selection)
            self.results[label], self.shown[label] = scores, shown
            log.info("%s in %.0fs: %s", label, time.perf_counter() - started,
                     ", ".join(f"{k} {scores[k]:.3f}" for k in METRICS))

    def report(self) -> None:
        a = self.args
        with self.registry.run(f"evaluate-{a.model_name}",
                               tags={"dataset": a.catalogue or "synthetic"}):
            mlflow.log_params({"generators": " ".join(a.generators), "eval_pairs": a.eval_pairs,
                               "n": a.n, **self.gen_settings.model_dump(),
                               **self.selection.model_dump()})
            for i, (label, scores) in enumerate(self.results.items()):
                mlflow.log_metrics({f"g{i}_{k}": v for k, v in scores.items()})
                mlflow.set_tag(f"g{i}", label)
                self.registry.log_json(self.shown[label], f"evaluation/g{i}_shown_copy.json")
        print(table(self.results, len(self.requests)))

    def cleanup(self) -> None:
        pass


def table(results: dict[str, dict[str, float]], requests: int) -> str:
    widths = {x: max(8, len(x)) + 2 for x in results}
    rows = [f"{requests} held-out requests", f"  {'metric':<26}"
            + "".join(f"{x:>{w}}" for x, w in widths.items())]
    rows += [f"  {k:<26}" + "".join(f"{results[x][k]:>{w}.3f}" for x, w in widths.items())
             for k in METRICS]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    return run_recipe(EvaluateGeneratorRecipe(args), ["setup", "evaluate", "report"], log)


if __name__ == "__main__":
    sys.exit(main())
