"""The query and product embedder (MiniLM by default) as an MLflow pyfunc: a version
holds the whole sentence-transformers folder, so serving loads it from the registry.

`pipelines.build_index` registers the embedder it embedded the catalogue with as
`adcraft-embedder` and gives it `champion`: the index and the query embedder must be
the same model, so they are promoted together. The same folder is registered once
(versions are tagged with the folder's content digest).

Input: a frame with a `text` column; output: one unit vector per row (`vector`)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
from mlflow.exceptions import MlflowException

from adcraft.registry import CHAMPION, Registry
from adcraft.specs import EMBEDDER, MODELS

log = logging.getLogger(__name__)
MODEL_CODE = str(Path(__file__).with_name("embedder_model_code.py"))
ARTIFACT = "embedder"
EMBEDDER_MODEL = EMBEDDER
DIGEST_TAG = "content_sha256"


class EmbedderPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from adcraft.retrieval.embeddings import load_embedder

        self.model = load_embedder(context.artifacts[ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame,
                params: dict | None = None) -> pd.DataFrame:
        vectors = self.model.encode(list(model_input["text"]), convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return pd.DataFrame({"vector": list(vectors)})


def native_embedder(pyfunc_model):
    """The SentenceTransformer a loaded pyfunc already holds (no second load)."""
    return pyfunc_model.unwrap_python_model().model


def folder_digest(folder: str | Path) -> str:
    """sha256 over the folder's files (relative paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def register_embedder(registry: Registry, folder: str | Path, name: str = EMBEDDER_MODEL,
                      alias: str = CHAMPION) -> int:
    """The version of `name` holding `folder` (registered now, in the active run, if no
    version holds the same files) with `alias` moved to it."""
    digest = folder_digest(folder)
    try:
        found = registry.client.search_model_versions(f"name = '{name}'")
    except MlflowException:  # no such model yet
        found = []
    same = [int(v.version) for v in found if v.tags.get(DIGEST_TAG) == digest]
    if same:
        version = max(same)
    else:
        info = mlflow.pyfunc.log_model(
            name="embedder", python_model=MODEL_CODE, artifacts={ARTIFACT: str(folder)},
            input_example=pd.DataFrame({"text": ["warm wool socks"]}),
            pip_requirements=list(MODELS[EMBEDDER].pip_requirements))
        version = registry.register(info.model_uri, name, f"sentence-transformers folder "
                                                          f"{Path(folder).name}")
        registry.client.set_model_version_tag(name, str(version), DIGEST_TAG, digest)
        log.info("registered %s v%s from %s", name, version, folder)
    registry.set_alias(name, alias, version)
    return version
