"""Typed settings with every default in one place.

Values come from, in order: explicit arguments, environment variables prefixed
``ADCRAFT_`` (e.g. ``ADCRAFT_HOME=/data/adcraft``, ``ADCRAFT_SEED=11``), then the
defaults below. Paths left unset are derived from ``home``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ShopSettings(BaseModel):
    """Size of the embedded synthetic shop that `make demo` builds."""

    n_products: int = Field(1_000, gt=0, description="catalogue size")
    n_shoppers: int = Field(2_000, gt=0, description="number of shoppers")
    n_events: int = Field(200_000, gt=0, description="behaviour events to simulate")
    n_impressions: int = Field(50_000, ge=0, description="logged copy impressions (random policy)")
    days: int = Field(90, gt=0, description="length of the simulated history")


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
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
