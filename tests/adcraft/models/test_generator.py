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
