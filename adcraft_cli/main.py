"""adcraft: personalised e-commerce copy on Ray. Every command explains itself
with --help.

\b
    adcraft demo                       the whole platform end to end on this machine
    adcraft train --shop shop.yaml     every model on a shop's own data (examples/)
    adcraft insights --dataset NAME    what shoppers like and dislike, from their reviews
    adcraft submit tune_conversion -- --trials 16    a pipeline as a Ray Job on RAY_ADDRESS
    adcraft promote adcraft-generator  champion vs challenger side by side, then the gate
    adcraft serve                      the Serve application on 127.0.0.1:8000
    adcraft status                     what is built, registered, running
    adcraft check-copy copy.jsonl      copy from anywhere through the one copy gate
    adcraft db upgrade                 migrate the store (SQLite, or ADCRAFT_DATABASE_URL)
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None)
# the pipeline parses its own options, so `adcraft demo --help` shows all of them
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


@app.command(context_settings=PASS_THROUGH, add_help_option=False)
def demo(ctx: typer.Context) -> None:
    """The whole platform end to end: data, features, conversion model (Ray Tune), copy
    generator (Ray Train + DeepSpeed), index, evaluation, promotion, then the Serve
    application answering for two shoppers. Re-runs reuse what is built. All options:
    adcraft demo --help."""
    from pipelines import demo as job

    raise typer.Exit(job.main(ctx.args))


@app.command(context_settings=PASS_THROUGH, add_help_option=False)
def train(ctx: typer.Context) -> None:
    """Everything on a shop's own data from one shop file: ingest its catalogue, events,
    reviews and copy, features, the conversion model, the product index, the generator,
    each registered and gated; then `adcraft serve --dataset NAME`. The file's fields and
    all options: adcraft train --help; examples in examples/."""
    from pipelines import train_shop as job

    raise typer.Exit(job.main(ctx.args))


@app.command(context_settings=PASS_THROUGH, add_help_option=False)
def promote(ctx: typer.Context) -> None:
    """Champion and challenger of a model side by side; the gate decides whether the
    challenger takes `champion`; the decision is logged to MLflow (--force: logged as
    forced). All options: adcraft promote --help."""
    from pipelines import promote as job

    raise typer.Exit(job.main(ctx.args))


@app.command("check-copy")
def check_copy(
    files: Annotated[list[Path], typer.Argument(
        help="JSONL files, one copy a line: {\"product\": ProductFacts, \"text\": ..., "
             "\"kind\": ..., \"locale\": ...} (kind and locale optional)")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="write the lines back, in order, each with \"ok\" and \"findings\" "
                      "added")] = None,
) -> None:
    """Judge copy from anywhere (agency copy, a shop's own, a generator's) with the one
    gate that guards serving. Each finding names the phrase that failed and why. Lines
    with "label" (ok/bad) and "defect" are scored: precision, recall and F1 of the gate's
    ok, and the share of each defect class it blocks. A malformed line is reported with
    its file, line and field; the others are still judged (exit 2 when any was bad)."""
    from adcraft.content import check_copy as cc

    read = cc.read_items(files)
    for error in read.errors:
        typer.echo(error, err=True)
    verdicts = cc.judge_items(read.items, progress=len(read.items) >= 50) if read.items else []
    if out is not None:
        cc.write_verdicts(out, read.items, verdicts)
    passed = sum(v.ok for v in verdicts)
    typer.echo(f"{len(verdicts)} judged: {passed} ok, {len(verdicts) - passed} blocked"
               + (f"; {len(read.errors)} malformed lines skipped" if read.errors else "")
               + (f"; verdicts in {out}" if out else ""))
    if any(i.label for i in read.items):
        typer.echo(cc.format_scores(cc.scores(read.items, verdicts)))
    raise typer.Exit(2 if read.errors else 0)


@app.command(context_settings=PASS_THROUGH)
def submit(
    ctx: typer.Context,
    job: str = typer.Argument(..., help="the pipeline: build_features, build_index, "
                                        "evaluate_ope, evaluate_retrieval, finetune_generator, "
                                        "ingest, promote, tune_conversion"),
    address: str = typer.Option(None, envvar="RAY_ADDRESS",
                                help="the cluster's job server, e.g. http://127.0.0.1:8265"),
    wait: bool = typer.Option(True, help="follow the job's logs until it ends"),
) -> None:
    """Run a pipeline as a Ray Job on the cluster at RAY_ADDRESS: `ray job submit
    --working-dir . -- python -m pipelines.JOB ARGS`, with your ADCRAFT_* and
    MLFLOW_TRACKING_URI settings passed to the job. Run it from the project's folder;
    put the job's own options after `--`, e.g.

    \b
        adcraft submit tune_conversion -- --trials 16 --scheduler asha
        adcraft submit finetune_generator --no-wait -- --use-gpu --num-workers 4 --lora"""
    from adcraft_cli.jobs import submit_command, submit_env

    if not Path("pipelines").is_dir():
        raise typer.BadParameter(f"{Path.cwd()} is not the project's folder (no pipelines/): "
                                 "the working dir is uploaded to the cluster")
    try:
        command = submit_command(job, list(ctx.args), address, wait=wait)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    shown = [part for part in command if not part.startswith("{")]  # not the env's values
    typer.echo("$ " + " ".join(shown), err=True)
    raise typer.Exit(subprocess.run(command, env=submit_env()).returncode)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address the HTTP proxy listens on"),
    port: int = typer.Option(8000, help="HTTP port"),
    dataset: str = typer.Option(None, help="the ingested dataset whose shop is served "
                                           "(default: the settings', synthetic); `adcraft "
                                           "train --shop` makes one"),
    dev: bool = typer.Option(False, help="no API key needed (local development only)"),
    generator_timeout: float = typer.Option(
        None, min=0.1, help="seconds before template copy stands in (default: the settings' "
                            "8 s; 120 s when serving here without a GPU)"),
) -> None:
    """Start the Serve application (Embedder, Ranker, ConversionModel, Generator behind a
    FastAPI Ingress) with every model loaded from MLflow by its `champion` alias, on this
    machine's Ray or the cluster at RAY_ADDRESS; runs until Ctrl-C or SIGTERM. API keys come from
    ADCRAFT_SERVING__API_KEYS='["..."]'; with none set, one is made up and printed.
    For `serve deploy`, see serve_apps/config.yaml."""
    import polars as pl

    from adcraft.data.io import read_tables
    from adcraft.data.sources import dataset_dir
    from adcraft.report import contrasting_shoppers
    from adcraft.serving.showcase import how_to_query
    from adcraft.serving.stack import missing_models, pinned_overrides, serving_for
    from adcraft.settings import get_settings
    from pipelines._common import start_job
    from serve_apps import local

    start_job()
    settings = get_settings()
    if dataset:
        settings = settings.model_copy(update={"serving": serving_for(settings, dataset)})
    features = dataset_dir(settings.serving.dataset, settings) / "features"
    if not (features / "profiles.parquet").is_file():
        raise typer.BadParameter(f"nothing to serve: {features} has no profiles; run "
                                 "`adcraft demo` (or the pipelines) first")
    missing = missing_models(settings)
    if missing:
        raise typer.BadParameter("not in the registry yet: " + "; ".join(missing)
                                 + " (`adcraft demo` builds them all)")
    keys = [k.override() for k in settings.serving.api_keys]
    key = None if dev or keys else secrets.token_urlsafe(18)
    review_key = None if dev or keys else secrets.token_urlsafe(18)
    timeout = generator_timeout or local.generator_timeout(settings.serving.generator_timeout_s)
    serving = {"dev_mode": dev, "generator_timeout_s": timeout,
               "dataset": settings.serving.dataset,
               "conversion_model": settings.serving.conversion_model} | (
        {"api_keys": [key, {"key": review_key, "role": "marketer", "name": "marketer"}]}
        if key else {})
    url = local.start(pinned_overrides(settings, **serving), host=host, port=port)
    profiles = read_tables(features)["profiles"]
    shopper = (contrasting_shoppers(profiles, 1) or ["a-new-visitor"])[0]
    product = pl.read_parquet(features.parent / "tables" / "products.parquet",
                              columns=["product_id"], n_rows=1)["product_id"][0]
    hint = "anything" if dev else (key or "<a key from ADCRAFT_SERVING__API_KEYS>")
    typer.echo(f"adcraft is serving at {url} (API key: {hint}; generator timeout "
               f"{timeout:.0f} s); Ctrl-C stops it.\n"
               + how_to_query(url, shopper, product, hint)
               + (f"\nReview queue (a marketer key): curl -H 'x-api-key: {review_key}' "
                  f"{url}/v1/review/variants" if review_key else ""))
    try:
        local.wait_until_stopped()
        typer.echo("stopping")
    finally:
        local.stop()


@app.command()
def status(
    url: str = typer.Option("http://127.0.0.1:8000", help="where the application answers"),
) -> None:
    """Where adcraft keeps its state, the datasets built, every registered model with the
    versions holding `champion` and `challenger` and their test scores, the Ray cluster's
    recent jobs (RAY_ADDRESS), and whether the application answers."""
    from adcraft import status as show
    from adcraft.registry import Registry
    from adcraft.settings import get_settings
    from adcraft_cli.jobs import submit_env

    settings = get_settings()
    registry = Registry(settings)
    os.environ.update(submit_env())  # the job client wants Ray's token mode too
    typer.echo(f"home     {Path(settings.home).resolve()}\nmlflow   {registry.uri}")
    typer.echo("\ndatasets\n" + show.datasets(settings, registry))
    typer.echo("\nmodels\n" + show.models(registry))
    typer.echo("\njobs\n" + show.jobs(os.environ.get("RAY_ADDRESS")))
    typer.echo("\napplication\n" + show.application(url))


@app.command()
def insights(
    dataset: Annotated[str | None, typer.Option(
        metavar="NAME", help="the ingested dataset to read (default: the served one, "
             "settings.serving.dataset)")] = None,
    top: Annotated[int, typer.Option(min=1, help="how many categories, most reviewed "
                                                 "first")] = 5,
    products: Annotated[int, typer.Option(min=0, help="how many of the most reviewed "
                                                      "products (0: none)")] = 5,
    aspects: Annotated[int, typer.Option(min=1, help="aspects shown per side (liked, "
                                                     "disliked)")] = 3,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE.csv",
        help="also write the full table (every category and product, every aspect) as "
             "CSV")] = None,
) -> None:
    """What shoppers like and dislike, read from a dataset's reviews: for each category
    (the top level of category_path) and each product, the aspects (the product's own
    facts, or fit, size, quality, price, ...) that review sentences praise or complain
    about, with how many sentences say so and one example sentence. Counts are
    sentences, read with VADER's lexicon (a sentence without sentiment words takes its
    review's star rating).

    \b
        adcraft insights --dataset amazon-users --top 3 --products 0
        adcraft insights --dataset amazon-users --out insights.csv"""
    from adcraft.data.io import read_tables
    from adcraft.data.schemas import empty
    from adcraft.data.sources import SOURCES, dataset_dir
    from adcraft.features.insights import format_insights, review_insights
    from adcraft.settings import get_settings

    settings = get_settings()
    name = dataset or settings.serving.dataset
    folder = dataset_dir(name, settings) / "tables"
    if not (folder / "products.parquet").is_file():
        ingest = "python -m pipelines.ingest " + (
            name + (" PATH" if SOURCES[name][1] else "") if name in SOURCES
            else f"SOURCE PATH --dataset {name}")
        built = sorted(p.parent.parent.name
                       for p in settings.data_dir.glob("*/tables/products.parquet"))
        raise typer.BadParameter(
            f"no tables for dataset {name!r} at {folder}: ingest it first with `{ingest}` "
            "(python -m pipelines.ingest --help lists the sources)"
            + (f"; datasets here: {', '.join(built)}" if built else ""), param_hint="--dataset")
    tables = read_tables(folder)
    reviews = tables["reviews"] if "reviews" in tables else empty("reviews")
    table = review_insights(tables["products"], reviews)
    typer.echo(format_insights(table, reviews.height, top=top, products=products,
                               aspects=aspects))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        table.write_csv(out)
        typer.echo(f"\n{table.height:,} rows (category and product, aspect, polarity) in {out}")


if __name__ == "__main__":
    app()


@app.command()
def db(
    action: Annotated[str, typer.Argument(help="upgrade: apply every migration not yet "
                                               "applied; current: the revision it is at")
                      ] = "current",
) -> None:
    """The store (copy variants, reviews, the serving event log): the database that
    ADCRAFT_DATABASE_URL names (default SQLite at ADCRAFT_HOME/adcraft.db), migrated with
    Alembic. Serving and the jobs migrate it on first use; run `upgrade` to do it first."""
    from adcraft.settings import get_settings
    from adcraft.store.db import current_revision, head_revision, make_engine, upgrade

    if action not in ("upgrade", "current"):
        raise typer.BadParameter(f"{action!r}: one of upgrade, current")
    engine = make_engine(get_settings().database_url)
    where = engine.url.render_as_string(hide_password=True)
    if action == "upgrade":
        upgrade(engine)
    typer.echo(f"{where}: revision {current_revision(engine) or 'none (empty)'}, "
               f"newest {head_revision()}")
