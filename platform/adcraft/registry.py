"""The one door to MLflow: where runs and models live, logging, registering versions,
aliases (`champion`, `challenger`; registry stages are deprecated) and loading by alias.

Tracking URI, in order: settings (`ADCRAFT_MLFLOW_TRACKING_URI`), `MLFLOW_TRACKING_URI`,
else a sqlite store under `<home>/mlflow/` that needs no server. With the local store,
artefacts go to `<home>/mlflow/artifacts` rather than wherever the process happens to run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from adcraft.settings import Settings, get_settings

log = logging.getLogger(__name__)

CHAMPION = "champion"
CHALLENGER = "challenger"
EXPERIMENT = "adcraft"


def tracking_uri(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.mlflow_tracking_uri:
        return settings.mlflow_tracking_uri
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    return local_store_uri(settings.home)


def local_store_uri(home: str | Path) -> str:
    """The default store: sqlite under `home/mlflow` (created on first use)."""
    folder = (Path(home) / "mlflow").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'mlflow.db'}"


class Registry:
    def __init__(self, settings: Settings | None = None, uri: str | None = None):
        self.settings = settings or get_settings()
        self.uri = uri or tracking_uri(self.settings)
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        self.client = MlflowClient(self.uri, self.uri)

    @property
    def is_local(self) -> bool:
        return self.uri.startswith("sqlite:")

    def experiment_id(self, name: str = EXPERIMENT) -> str:
        found = self.client.get_experiment_by_name(name)
        if found:
            return found.experiment_id
        location = None
        if self.is_local:
            root = (self.settings.home / "mlflow" / "artifacts").resolve()
            root.mkdir(parents=True, exist_ok=True)
            location = root.as_uri()
        return self.client.create_experiment(name, artifact_location=location)

    @contextlib.contextmanager
    def run(self, run_name: str, experiment: str = EXPERIMENT,
            tags: dict[str, str] | None = None) -> Iterator[mlflow.ActiveRun]:
        with mlflow.start_run(experiment_id=self.experiment_id(experiment),
                              run_name=run_name, tags=tags) as active:
            log.info("MLflow run %s (%s) at %s", run_name, active.info.run_id, self.uri)
            yield active

    @staticmethod
    def log_figure(figure: Any, name: str) -> None:
        """Log a matplotlib figure as plots/<name>.png, then free it."""
        import matplotlib.pyplot as plt

        mlflow.log_figure(figure, f"plots/{name}.png")
        plt.close(figure)

    @staticmethod
    def log_json(data: Any, name: str) -> None:
        mlflow.log_text(json.dumps(data, indent=1, default=str), name)

    def register(self, model_uri: str, name: str, description: str = "") -> int:
        """A new version of registered model `name`; returns its number. A run's plain
        artefact folder (`runs:/<id>/product_index`, not a logged model) is registered
        as it is: the version's source is the folder."""
        try:
            version = mlflow.register_model(model_uri, name)
        except MlflowException as exc:
            if not model_uri.startswith("runs:/") or "logged_model" not in str(exc):
                raise
            run_id, _, path = model_uri.removeprefix("runs:/").partition("/")
            source = f"{self.client.get_run(run_id).info.artifact_uri}/{path}"
            version = self.client.create_model_version(name, source, run_id=run_id)
        if description:
            self.client.update_model_version(name, version.version, description=description)
        return int(version.version)

    def set_alias(self, name: str, alias: str, version: int) -> None:
        self.client.set_registered_model_alias(name, alias, str(version))
        log.info("%s@%s -> version %s", name, alias, version)

    def alias_version(self, name: str, alias: str = CHAMPION) -> int | None:
        """The version holding `alias`, or None (no such model or alias)."""
        try:
            return int(self.client.get_model_version_by_alias(name, alias).version)
        except MlflowException:
            return None

    def model_uri(self, name: str, alias: str = CHAMPION) -> str:
        return f"models:/{name}@{alias}"

    def load(self, name: str, alias: str = CHAMPION):
        """The pyfunc model behind `name@alias`."""
        return mlflow.pyfunc.load_model(self.model_uri(name, alias))

    def load_champion(self, name: str, alias: str = CHAMPION, hint: str = ""):
        """(pyfunc model, version) of `name@alias`, loaded by version so that an alias
        moving meanwhile cannot mix two versions; LookupError (saying `hint`) if none."""
        version = self.alias_version(name, alias)
        if version is None:
            raise LookupError(f"{name}@{alias} is not registered"
                              + (f": run `{hint}`" if hint else ""))
        return self.load_version(name, version), version

    def load_version(self, name: str, version: int):
        """The pyfunc model of one version of `name`."""
        return mlflow.pyfunc.load_model(f"models:/{name}/{version}")

    def download(self, name: str, alias: str = CHAMPION, dst: str | Path | None = None) -> Path:
        """The model's files, locally (for loading it natively rather than as pyfunc)."""
        return Path(mlflow.artifacts.download_artifacts(
            artifact_uri=self.model_uri(name, alias), dst_path=str(dst) if dst else None))

    def versions(self, name: str) -> list[int]:
        try:
            found = self.client.search_model_versions(f"name = '{name}'")
        except MlflowException:
            return []
        return sorted(int(v.version) for v in found)
