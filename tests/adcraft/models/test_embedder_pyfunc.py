"""The embedder in the registry: registered once per folder content, promoted with the
index, loaded back as the same sentence-transformers model (real MLflow, real MiniLM)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd

from adcraft.models.embedder_pyfunc import (
    EMBEDDER_MODEL,
    folder_digest,
    native_embedder,
    register_embedder,
)
from adcraft.registry import CHAMPION, Registry
from adcraft.retrieval import load_embedder
from adcraft.settings import get_settings


def test_registered_once_per_content_and_loaded_back(home, tmp_path):
    folder = get_settings().embedder_model_dir
    registry = Registry()
    with registry.run("index"):
        first = register_embedder(registry, folder)
    with registry.run("index-again"):
        assert register_embedder(registry, folder) == first  # same files: same version
    assert registry.alias_version(EMBEDDER_MODEL, CHAMPION) == first
    pyfunc, version = registry.load_champion(EMBEDDER_MODEL)
    assert version == first
    texts = ["warm wool socks", "cast iron frying pan"]
    loaded = native_embedder(pyfunc).encode(texts, normalize_embeddings=True)
    direct = load_embedder(folder).encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(loaded, direct, atol=1e-5)
    assert list(pyfunc.predict(pd.DataFrame({"text": texts}))["vector"].map(len)) == [384, 384]

    # another model (here: the same one with a changed config) is a new version
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    (other / "README.md").write_text("fine-tuned on the shop's queries\n")
    assert folder_digest(other) != folder_digest(folder)
    with registry.run("index-other"):
        assert register_embedder(registry, other) == first + 1
    assert registry.alias_version(EMBEDDER_MODEL, CHAMPION) == first + 1
