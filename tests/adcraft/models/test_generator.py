"""The copy generator on the real default model (fetched by `make setup`), briefly."""

from __future__ import annotations

import pytest

from adcraft.models.generator import CopyGenerator, GenerationSettings, clean
from adcraft.settings import get_settings

SHORT = GenerationSettings(max_new_tokens=6, batch_prompts=2, seed=3)


@pytest.fixture(scope="module")
def generator():
    return CopyGenerator.from_folder(get_settings().generator_model_dir, device="cpu")


def _ask(product: str) -> list[dict]:
    return [{"role": "system", "content": "You write one short ad line."},
            {"role": "user", "content": f"Product: {product}"}]


def test_n_variants_for_each_prompt_in_batches(generator):
    prompts = [_ask("waterproof jacket"), _ask("cast iron pan"), _ask("wireless earbuds")]
    out = generator.generate(prompts, n=2, settings=SHORT)
    assert [len(v) for v in out] == [2, 2, 2]  # 3 prompts in batches of 2
    assert all(text for variants in out for text in variants)
    # seeded sampling is repeatable (for the same batch: padding changes the numbers)
    assert generator.generate(prompts, n=2, settings=SHORT) == out


def test_a_missing_model_folder_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="make fetch"):
        CopyGenerator.from_folder(tmp_path)


def test_clean_keeps_the_copy_only():
    assert clean('  Copy: "Stay dry on every trail."\n\nNotes: ...') == "Stay dry on every trail."


def test_reading_each_prompt_once_writes_what_reading_it_n_times_would(generator):
    """The prompt's keys and values are computed once and copied n times; near-greedy
    sampling must then give what plain `num_return_sequences` gives, padding included
    (the two prompts differ in length)."""
    import torch

    prompts = [_ask("waterproof jacket"), _ask("a very light cast iron pan for camping trips")]
    near_greedy = GenerationSettings(max_new_tokens=8, temperature=1e-4, seed=3)
    cached = generator.generate(prompts, n=2, settings=near_greedy)
    batch = generator.tokenizer([generator.prompt_text(p) for p in prompts], return_tensors="pt",
                                padding=True, add_special_tokens=False)
    with torch.inference_mode():
        tokens = generator.model.generate(
            **batch, do_sample=True, num_return_sequences=2, max_new_tokens=8,
            temperature=1e-4, top_p=near_greedy.top_p,
            repetition_penalty=near_greedy.repetition_penalty,
            pad_token_id=generator.tokenizer.pad_token_id)
    plain = [clean(t) for t in generator.tokenizer.batch_decode(
        tokens[:, batch["input_ids"].shape[1]:], skip_special_tokens=True)]
    assert cached == [plain[:2], plain[2:]]
