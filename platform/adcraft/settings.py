"""Typed settings with every default in one place.

Values come from, in order: explicit arguments, environment variables prefixed
``ADCRAFT_`` (e.g. ``ADCRAFT_HOME=/data/adcraft``, ``ADCRAFT_SEED=11``), then the
defaults below. Paths left unset are derived from ``home``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adcraft.specs import CONVERSION, EMBEDDER, GENERATOR, INDEX


class ShopSettings(BaseModel):
    """Size of the embedded synthetic shop that `make demo` builds."""

    n_products: int = Field(1_000, gt=0, description="catalogue size")
    n_shoppers: int = Field(2_000, gt=0, description="number of shoppers")
    n_events: int = Field(200_000, gt=0, description="behaviour events to simulate")
    n_impressions: int = Field(50_000, ge=0, description="logged copy impressions (random policy)")
    days: int = Field(90, gt=0, description="length of the simulated history")


class GenerationSettings(BaseModel):
    """How the copy generator samples: the one place for its defaults (serving, the
    recipes, the evaluation and the benches all start from these)."""

    max_new_tokens: int = Field(40, ge=1, le=1024, description="generated tokens per variant")
    # 1.0, not lower: a fine-tuned model's variants otherwise repeat one another (on
    # Myntra, distinct-2 0.596 at 0.8, 0.649 at 1.0); the gate catches what it costs
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(0.95, gt=0, le=1)
    repetition_penalty: float = Field(1.1, ge=1)
    batch_prompts: int = Field(8, ge=1, description="prompts per forward pass")
    seed: int = 7


class CopySelection(BaseModel):
    """How the variants a shopper may see are picked from the generator's candidates
    (`adcraft.content.selection`), in serving and in evaluation alike."""

    candidates_per_variant: float = Field(
        2.0, ge=1, le=4, description="candidates generated per variant asked for")
    personal_first: bool = Field(
        True, description="where some candidate names a like the product holds, show "
                          "only those")
    max_similarity: float = Field(
        0.8, gt=0, le=1, description="a candidate sharing more of its word pairs than "
                                     "this with one already picked is a repeat")

    def candidates(self, variants: int) -> int:
        """How many candidates to generate for `variants` shown."""
        return math.ceil(variants * self.candidates_per_variant)


DEFAULT_COMPLIANCE_TERMS: dict[str, list[str]] = {"en": [
    "best", "#1", "number one", "world's best",  # absolute superlatives
    "guaranteed", "100% satisfaction",  # guarantees
    "cures", "heals", "clinically proven", "treats",  # medical claims
    "cure", "remedy", "immune support", "immunity", "fda approved",
    "eczema", "healing", "relieves", "breathing problems",  # medical claims, as titles make them
    "remove wrinkles", "removes wrinkles", "erases wrinkles",
    "sleep better", "help you sleep", "helps you sleep", "lose weight", "weight loss",
]}


class GateSettings(BaseModel):
    """The copy gate's thresholds (`adcraft.content.gate`), chosen on the tune split of
    `bench/data/copy_gate`; compliance terms per language ("en") or locale ("en-GB")."""

    compliance_terms: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_COMPLIANCE_TERMS.items()},
        description="banned or risky terms per language or locale")
    min_word_zipf: float = Field(1.5, ge=0, le=8, description=(
        "a word the product's text lacks and rarer than this (wordfreq's Zipf scale) is "
        "not a word: incoherent copy"))
    common_verb_zipf: float = Field(3.8, ge=0, le=8, description=(
        "a verb at least this common needs no support ('holds', 'protects'): the nouns "
        "and adjectives around it carry the claim"))
    common_word_zipf: float = Field(3.0, ge=0, le=8, description=(
        "words at least this common in the locale's language count as that language"))
    common_word_share: float = Field(0.6, ge=0, le=1, description=(
        "copy whose words are this share common words of the locale's language is in it"))
    min_words_for_language: int = Field(4, ge=1, description=(
        "copy of fewer words is not language-checked (too short to tell)"))


Role = Literal["serving", "marketer", "admin"]


class ApiKey(BaseModel):
    """One accepted key and what it may do: `serving` the shopper-facing /v1 routes,
    `marketer` also the review API (/v1/review), `admin` also /admin. `name` is who
    holds it: the reviewer recorded for what the key approves."""

    key: SecretStr
    role: Role = "serving"
    name: str | None = None

    def override(self) -> dict[str, str | None]:
        """This key as a settings override for replicas (the secret in the clear: pass it
        only to processes of this deployment)."""
        return {"key": self.key.get_secret_value(), "role": self.role, "name": self.name}


class ServingSettings(BaseModel):
    """The Serve application's knobs (`adcraft.serving`, `serve_apps/`). API keys come
    from the environment, never from a file in the repository: a plain string is a
    serving key, ``ADCRAFT_SERVING__API_KEYS='["key-1", {"key": "key-2", "role":
    "marketer", "name": "alice"}]'``; with none set every /v1 call is refused unless
    `dev_mode`."""

    dataset: str = Field("synthetic", description="ingested dataset whose shop is served")
    api_keys: list[ApiKey] = Field([], description="accepted X-API-Key values, with roles")
    dev_mode: bool = Field(False, description="no API key needed: local development only")
    max_body_bytes: int = Field(64 * 1024, gt=0, description="larger bodies get 413")
    max_in_flight: int = Field(16, gt=0, description=(
        "/v1 requests one Ingress replica works on at once; the next one is answered 503 "
        "with Retry-After at once, not queued (about 2x what 2 cores rank at p99 250 ms)"))
    live_generation: bool = Field(True, description=(
        "write copy in the request where the copy store holds none approved for the "
        "product and segment; false: only approved copy (or gated template copy)"))
    approved_refresh_s: float = Field(2.0, gt=0, description=(
        "how often a replica looks for newly approved or retired copy in the store"))
    generator_timeout_s: float = Field(8.0, gt=0, description="then template copy, degraded")
    request_deadline_s: float = Field(3.0, gt=0, description=(
        "a /v1 request's budget for what it cannot do without (embedding a query, "
        "ranking, scoring), counted from when the Ingress admits it: a call still "
        "waiting then is cancelled and the request answered 503 with Retry-After"))
    rerank_candidates: int = Field(3, ge=1, description="ranker candidates per item asked "
                                                        "for, re-ranked by p(convert)")
    max_new_tokens: int = Field(default_factory=lambda: GenerationSettings().max_new_tokens,
                                ge=1, le=512, description="generated tokens per variant")
    replica_threads: int | None = Field(None, ge=1, description=(
        "OpenMP threads (torch, XGBoost) of each model replica; None: as Ray sets them, "
        "one per whole CPU the replica reserves (a 0.25-CPU replica gets one)"))
    model_replica_nice: int = Field(5, ge=0, le=19, description=(
        "how much lower the model replicas' CPU priority is than the proxy's and the "
        "Ingress's: on a node they share, an overloaded service still answers its 503s at "
        "once (measured on 2 cores: 503s within 54 ms at 2x capacity, against 111 ms at 0)"))
    conversion_model: str = CONVERSION
    generator_model: str = GENERATOR
    embedder_model: str = EMBEDDER

    @property
    def index_model(self) -> str:
        """The registered product index of the served dataset (its `alias` is served)."""
        return f"{INDEX}-{self.dataset}"
    alias: str = Field("champion", description="registry alias every model loads by")
    follow_alias_s: float = Field(30.0, ge=0, description="every replica checks this often "
                                  "which version its alias names, and loads it; 0: never")
    remembered_requests: int = Field(100_000, gt=0, description="served requests that "
                                                               "feedback can refer to")
    recent_events: int = Field(50, gt=0, description="recent events kept per shopper")
    bandit_arms: int = Field(200_000, gt=0, description="(segment, copy variant) arms the "
                                                        "bandit keeps; least recent forgotten")
    selection: CopySelection = Field(default_factory=CopySelection)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _plain_keys(cls, value):
        """A bare string (or SecretStr) is a serving key."""
        if isinstance(value, list):
            return [{"key": v} if isinstance(v, str | SecretStr) else v for v in value]
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ADCRAFT_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Field(Path(".adcraft"), description="root of all local state (git-ignored)")
    data_dir: Path | None = Field(None, description="ingested tables and features; home/data")
    cache_dir: Path | None = Field(None, description="downloaded packages and models; home/cache")
    seed: int = Field(7, description="seed for every random choice")
    shop: ShopSettings = ShopSettings()
    obd_version: str = Field("0.4.1", description="obp wheel that carries the Open Bandit sample")
    generator_model_dir: Path | None = Field(
        None, description="local Hugging Face causal-LM folder; cache/models/smollm2-135m-instruct"
    )
    embedder_model_dir: Path | None = Field(
        None, description="local sentence-transformers folder; cache/models/all-minilm-l6-v2"
    )
    mlflow_tracking_uri: str | None = Field(
        None, description="MLflow server or database; default sqlite under home/mlflow"
    )
    database_url: str | None = Field(None, description=(
        "the store (copy variants, reviews, the serving event log) as a SQLAlchemy URL, "
        "e.g. postgresql+psycopg://adcraft@db:5432/adcraft on a cluster; default SQLite "
        "at home/adcraft.db (`ADCRAFT_DATABASE_URL`)"))
    serving: ServingSettings = Field(default_factory=ServingSettings)
    gate: GateSettings = Field(default_factory=GateSettings)
    shared_data_dir: Path = Field(
        Path("../shared/data"), description="real evaluation data, when present"
    )

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        self.data_dir = self.data_dir or self.home / "data"
        self.cache_dir = self.cache_dir or self.home / "cache"
        models = self.cache_dir / "models"
        self.generator_model_dir = self.generator_model_dir or models / "smollm2-135m-instruct"
        self.embedder_model_dir = self.embedder_model_dir or models / "all-minilm-l6-v2"
        if self.database_url is None:  # the embedded default: one SQLite file
            self.database_url = f"sqlite:///{(self.home / 'adcraft.db').resolve()}"
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
