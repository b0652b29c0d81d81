"""The copy generator: a local Hugging Face causal LM (SmolLM2-135M-Instruct by default,
any instruct model folder in its place) that writes n sampled variants per chat prompt,
many prompts per forward pass. Loads only from local folders, never from a hub."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache  # noqa: E402

from adcraft.settings import GenerationSettings  # noqa: E402  (re-exported: its home)

__all__ = ["CopyGenerator", "GenerationSettings", "clean"]
log = logging.getLogger(__name__)


class CopyGenerator:
    def __init__(self, model, tokenizer, device: str | None = None):
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.generated_tokens = 0  # sampled tokens so far, for throughput figures
        # decoder-only models must be padded on the left to generate in a batch
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    @classmethod
    def from_folder(cls, folder: str | Path, device: str | None = None) -> CopyGenerator:
        folder = Path(folder)
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(f"no model at {folder}: run `make fetch` (or point "
                                    "ADCRAFT_GENERATOR_MODEL_DIR at a local model folder)")
        started = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=dtype)
        log.info("generator %s loaded in %.1fs", folder.name, time.perf_counter() - started)
        return cls(model, tokenizer, device)

    def prompt_text(self, messages: list[dict]) -> str:
        return self.tokenizer.apply_chat_template(messages, tokenize=False,
                                                  add_generation_prompt=True)

    @torch.inference_mode()
    def generate(self, conversations: list[list[dict]], n: int = 4,
                 settings: GenerationSettings | None = None) -> list[list[str]]:
        """For each conversation (chat messages), `n` sampled completions.

        Each prompt is read once: its keys and values are computed for the batch of
        prompts, then copied n times, and only the sampled tokens run n-fold. (Plain
        `num_return_sequences` re-reads every prompt n times, which on a CPU costs more
        than the sampling itself.)"""
        settings = settings or GenerationSettings()
        torch.manual_seed(settings.seed)
        out: list[list[str]] = []
        started, tokens_before = time.perf_counter(), self.generated_tokens
        n_batches = -(-len(conversations) // settings.batch_prompts)
        for start in range(0, len(conversations), settings.batch_prompts):
            chunk = conversations[start:start + settings.batch_prompts]
            batch = self.tokenizer([self.prompt_text(c) for c in chunk], return_tensors="pt",
                                   padding=True, add_special_tokens=False).to(self.device)
            ids, mask = batch["input_ids"], batch["attention_mask"]
            cache = DynamicCache()
            # all but the last prompt token: generate needs one uncached token to start
            # positions count real tokens only, as generate counts them (left padding)
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
            # (logits of one position only: the prompt's logits over the whole
            # vocabulary are not needed and cost more than reading the prompt itself)
            self.model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1],
                       position_ids=positions[:, :-1], past_key_values=cache, use_cache=True,
                       logits_to_keep=1)
            cache.batch_repeat_interleave(n)
            tokens = self.model.generate(
                input_ids=ids.repeat_interleave(n, dim=0),
                attention_mask=mask.repeat_interleave(n, dim=0), past_key_values=cache,
                do_sample=True, max_new_tokens=settings.max_new_tokens,
                temperature=settings.temperature, top_p=settings.top_p,
                repetition_penalty=settings.repetition_penalty,
                pad_token_id=self.tokenizer.pad_token_id,
            )
            new = tokens[:, ids.shape[1]:]
            self.generated_tokens += int((new != self.tokenizer.pad_token_id).sum())
            texts = [clean(t) for t in self.tokenizer.batch_decode(new, skip_special_tokens=True)]
            out += [texts[i * n:(i + 1) * n] for i in range(len(chunk))]
            elapsed = time.perf_counter() - started
            log.info("generated %d/%d prompts x %d variants (%.0f tokens/s)", len(out),
                     len(conversations), n,
                     (self.generated_tokens - tokens_before) / max(elapsed, 1e-9))
        if n_batches:
            log.debug("%d batches in %.1fs", n_batches, time.perf_counter() - started)
        return out


def clean(text: str) -> str:
    """The copy itself: first paragraph, without wrapping quotes or a "Copy:" label."""
    text = text.strip().split("\n\n")[0].strip()
    for label in ("Ad copy:", "Copy:", "Subject:", "Subject line:"):
        if text.lower().startswith(label.lower()):
            text = text[len(label):].strip()
    return text.strip('"“”\' ').strip()
