"""The adcraft Serve application: Embedder, Ranker, ConversionModel and Generator behind a
FastAPI Ingress, composed through DeploymentHandles. Thin wiring: every decision lives
in `adcraft.serving`.

    serve run serve_apps.config.yaml           # or: serve deploy serve_apps/config.yaml
    serve run serve_apps.app:app               # defaults, settings from ADCRAFT_* env

Each deployment loads its model from MLflow by alias (`champion`) on start and again when
told: a changed `user_config` (`serve deploy` with e.g. `reload: 2`), or
`POST /admin/reload`. The new model loads beside the old one, which keeps answering
until the swap, so no request is dropped. The models (Embedder, ConversionModel,
Generator) also follow their alias: every replica checks it each
`serving.follow_alias_s` and loads the version it names (`adcraft.serving.follow`), so a
promotion, or an admin reload that reached one replica, reaches all of them.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from ray import serve
from ray.serve import Application
from ray.serve.handle import DeploymentHandle

from adcraft.registry import Registry, tracking_uri
from adcraft.serving.api import create_api
from adcraft.serving.approved import ApprovedCopy
from adcraft.serving.components import (
    ConversionScorer,
    CopyWriter,
    Embedded,
    Generated,
    QueryEmbedder,
    Ranked,
    Ranker,
    RankQuery,
    Scored,
)
from adcraft.serving.feedback import FeedbackState
from adcraft.serving.follow import Follower
from adcraft.serving.review import ReviewService
from adcraft.serving.service import RecommendationService
from adcraft.settings import Settings
from adcraft.shopview import ShopView
from adcraft.store.copy import CopyStore
from adcraft.store.db import store_engine

log = logging.getLogger("serve_apps")
CONFIG = Path(__file__).with_name("config.yaml")  # replica options live there, only there


def deployment_options(config: Path = CONFIG) -> dict[str, dict[str, Any]]:
    """Each deployment's options (autoscaling, queue limits, back-pressure, resources,
    user_config) as `config.yaml` states them: `serve deploy` reads the same file."""
    import yaml

    app = yaml.safe_load(config.read_text())["applications"][0]
    return {d["name"]: {k: v for k, v in d.items() if k != "name"} for d in app["deployments"]}


def warmed(model):
    """A model's first call is slow (caches, the first forward pass): make it before the
    replica takes requests, and before a reloaded model replaces the old."""
    model.warm_up()
    return model


def settle_heap() -> None:
    """What loading left in memory (a shop's tables, a model, the libraries: half a
    million objects) moved out of the garbage collector's sight: a full collection over
    it took 0.4 s, and requests' allocations set one off every few hundred requests.
    Call after every load: what an earlier one froze is looked at once more, so a
    replaced model's cycles are freed too."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def lower_priority(step: int) -> None:
    """Every thread of this process `step` nicer (at most 19). Linux keeps a nice value per
    thread and `os.nice` moves only the caller's: Serve runs a constructor in a user-code
    thread, so the event loop and the threads it starts later would keep the old one."""
    if step <= 0:
        return
    if not os.path.isdir("/proc/self/task"):  # not Linux: there nice is per process
        os.nice(step)
        return
    for tid in map(int, os.listdir("/proc/self/task")):
        try:
            now = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, min(now + step, 19))
        except (ProcessLookupError, PermissionError):  # a thread that ended meanwhile
            continue


class Reloadable:
    """Loads its model in __init__, and again on `reload()`, a changed user_config, or
    (`followed` models) when its alias moves: off the event loop, swapped in one
    assignment, so in-flight calls finish on the old."""

    followed: str | None = None  # the ServingSettings field naming a registered model

    def __init__(self, settings: dict[str, Any]):
        self.overrides = settings
        self.user_config: dict[str, Any] = {}
        lower_priority(self.settings().serving.model_replica_nice)  # once: a model a process
        self.model = self.load()
        settle_heap()
        every = self.settings().serving.follow_alias_s
        self.follower = Follower(self.wanted, lambda: self.model.version, self.swap, every,
                                 type(self).__name__).start() if every and self.followed else None

    def wanted(self) -> str | None:
        """The version label (`name/version`) the alias names now; None if none."""
        s = self.settings()
        name = getattr(s.serving, self.followed)
        version = Registry(s).alias_version(name, s.serving.alias)
        return None if version is None else f"{name}/{version}"

    def swap(self) -> None:
        self.model = self.load()
        settle_heap()

    def settings(self) -> Settings:
        serving = {**self.overrides.get("serving", {}),
                   **{k: v for k, v in self.user_config.items() if k != "reload"}}
        return Settings(**{**self.overrides, "serving": serving})

    def load(self):
        raise NotImplementedError

    async def reload(self) -> str:
        self.model = await asyncio.to_thread(self.load)
        settle_heap()
        return self.model.version

    async def reconfigure(self, user_config: dict[str, Any]) -> None:
        """user_config: serving settings (alias, max_new_tokens, ...) and a `reload`
        counter; bump it to reload the same alias after the alias moved."""
        before = (self.settings(), self.user_config.get("reload", 0))
        self.user_config = dict(user_config)
        if (self.settings(), self.user_config.get("reload", 0)) != before:
            await self.reload()

    async def version(self) -> str:
        return self.model.version


@serve.deployment
class Embedder(Reloadable):
    followed = "embedder_model"

    def load(self) -> QueryEmbedder:
        return warmed(QueryEmbedder.load(self.settings()))

    @serve.batch(max_batch_size=16, batch_wait_timeout_s=0.005)
    async def embed(self, calls: list[list[str]]) -> list[Embedded]:
        model = self.model
        flat = await asyncio.to_thread(model.embed, [t for texts in calls for t in texts])
        out, start = [], 0
        for texts in calls:
            out.append(Embedded(vectors=flat.vectors[start:start + len(texts)],
                                version=flat.version))
            start += len(texts)
        return out


@serve.deployment(name="Ranker")
class RankerDeployment(Reloadable):
    followed = "index_model"  # a rolled-back or newly promoted index is served

    def load(self) -> Ranker:
        return warmed(Ranker.load(self.settings()))

    async def rank(self, query: RankQuery) -> Ranked:
        return self.model.rank(query)  # lookups and one search: less than a thread hop


@serve.deployment
class ConversionModel(Reloadable):
    followed = "conversion_model"

    def load(self) -> ConversionScorer:
        return warmed(ConversionScorer.load(self.settings()))

    async def score(self, call: tuple[str, list[str]]) -> Scored:
        # gathered rows, one predict: about a millisecond, less than what batching costs
        # (a request alone waited out the batch window; under load the batch queue's
        # own work was more than the predicts it saved)
        return self.model.score(*call)


@serve.deployment
class Generator(Reloadable):
    followed = "generator_model"

    def load(self) -> CopyWriter:
        return warmed(CopyWriter.load(self.settings()))

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.05)
    async def generate(self, calls: list[tuple[list[dict], int]]) -> list[Generated]:
        """Prompts from concurrent requests in one forward pass (n: the most asked)."""
        writer = self.model
        n = max(k for _, k in calls)
        out = await asyncio.to_thread(writer.generate, [m for m, _ in calls], n)
        return [Generated(variants=v[:k], version=writer.version)
                for v, (_, k) in zip(out, calls)]

    async def generated_tokens(self) -> int:
        return self.model.generated_tokens


class HandleBackends:
    """`adcraft.serving.Backends` over deployment handles."""

    def __init__(self, embedder: DeploymentHandle, ranker: DeploymentHandle,
                 conversion: DeploymentHandle, generator: DeploymentHandle):
        self.handles = {"embedder": embedder, "ranker": ranker, "conversion": conversion,
                        "generator": generator}

    async def embed(self, texts: list[str]) -> Embedded:
        return await self.handles["embedder"].embed.remote(texts)

    async def rank(self, query: RankQuery) -> Ranked:
        return await self.handles["ranker"].rank.remote(query)

    async def score(self, shopper_id: str, product_ids: list[str]) -> Scored:
        return await self.handles["conversion"].score.remote((shopper_id, product_ids))

    async def generate(self, messages: list[dict], n: int) -> Generated:
        return await self.handles["generator"].generate.remote((messages, n))

    async def reload(self, component: str) -> str:
        return await self.handles[component].reload.remote()


@serve.deployment
@serve.ingress()
class Ingress:
    def __init__(self, embedder: DeploymentHandle, ranker: DeploymentHandle,
                 conversion: DeploymentHandle, generator: DeploymentHandle,
                 settings: dict[str, Any]):
        self.settings = Settings(**settings)
        s = self.settings.serving
        engine = store_engine(self.settings.database_url)
        feedback = FeedbackState(engine, s.remembered_requests, s.recent_events,
                                 bandit_arms=s.bandit_arms)
        shop, store = ShopView.load(self.settings), CopyStore(engine)
        self.service = RecommendationService(
            shop, HandleBackends(embedder, ranker, conversion, generator), feedback, s,
            ApprovedCopy(store, shop.vocabulary, s.approved_refresh_s),
            ReviewService(store, shop))
        settle_heap()

    def __serve_build_asgi_app__(self):
        import ray

        replica = f"{ray.get_runtime_context().get_node_id()[:12]}:{os.getpid()}"
        return create_api(self.service, self.settings.serving, behind_serve=True,
                          replica=replica)


class AppArgs(BaseModel):
    """`args:` of the config: overrides of `adcraft.settings.Settings`, e.g.
    {"home": "/srv/adcraft", "serving": {"dataset": "synthetic", "dev_mode": true}}."""

    settings: dict[str, Any] = {}
    deployments: dict[str, dict[str, Any]] = Field(default_factory=dict, description=(
        "per deployment, options over config.yaml's, e.g. {\"Ingress\": {\"num_replicas\": "
        "2, \"ray_actor_options\": {\"resources\": {\"ingress\": 1}}}}"))


def build(args: AppArgs) -> Application:
    overrides = dict(args.settings)
    # replicas may start in another folder: pin the home this process means
    overrides["home"] = str(Path(overrides.get("home") or Settings().home).resolve())
    # ... and the registry it means: replicas' environments may differ from this one's
    overrides["mlflow_tracking_uri"] = tracking_uri(Settings(**overrides))
    options = deployment_options()
    for name, extra in args.deployments.items():
        if name not in options:
            raise ValueError(f"no deployment {name!r}; one of {sorted(options)}")
        options[name] = {**options[name], **extra}
        if "num_replicas" in extra:
            options[name].pop("autoscaling_config", None)
    threads = replica_threads(Settings(**overrides))
    models = [d.options(**_with_threads(options[d.name], threads if d in TORCH else {}))
              .bind(overrides) for d in (Embedder, RankerDeployment, ConversionModel, Generator)]
    return Ingress.options(**options["Ingress"]).bind(*models, overrides)


# The replicas whose forward passes gain from more threads. The Ranker and the
# ConversionModel keep Ray's one thread: a search and a predict of a few dozen rows gain
# nothing from two, and OpenMP's idle threads spin after each (measured under load: 9 ms
# of CPU a request in the ConversionModel with two threads).
TORCH = (Embedder, Generator)


def replica_threads(settings: Settings) -> dict[str, Any]:
    """`serving.replica_threads` as the torch replicas' OMP_NUM_THREADS, set before the
    process starts (torch reads it once, at import); {} when unset."""
    threads = settings.serving.replica_threads
    return {"OMP_NUM_THREADS": str(threads)} if threads else {}


def _with_threads(options: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    if not env:
        return options
    actor = options.get("ray_actor_options", {})
    return {**options, "ray_actor_options": {**actor, "runtime_env": {"env_vars": env}}}


app = build(AppArgs())
