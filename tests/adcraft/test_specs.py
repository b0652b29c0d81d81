"""The one table of registered models: names, recipes, requirements and gates."""

from __future__ import annotations

import importlib.util

import pytest

from adcraft.promotion import PromotionError, gate_for
from adcraft.settings import ServingSettings
from adcraft.specs import CONVERSION, EMBEDDER, GENERATOR, MODELS, family_of


def test_every_model_has_a_recipe_that_exists_and_pinned_torch():
    for spec in MODELS.values():
        assert importlib.util.find_spec(spec.recipe) is not None, spec.recipe
        torch = [r for r in spec.pip_requirements if r.startswith("torch")]
        assert torch in ([], ["torch==2.13.0"]), spec


def test_serving_and_promotion_read_the_same_table():
    s = ServingSettings()
    assert (s.conversion_model, s.generator_model, s.embedder_model) == (
        CONVERSION, GENERATOR, EMBEDDER)
    assert gate_for(CONVERSION) is MODELS[CONVERSION].gate
    assert gate_for(f"{CONVERSION}-obd-men") is MODELS[CONVERSION].gate
    assert family_of("adcraft-conversionist") is None
    with pytest.raises(PromotionError, match="unknown model"):
        gate_for(EMBEDDER)  # the index recipe sets its champion: no score to gate on
