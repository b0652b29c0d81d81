"""The copy generator as an MLflow pyfunc: a version holds the whole Hugging Face
folder (weights merged, tokenizer), so serving needs nothing but the registry.

Input: a frame with a `messages` column (the chat messages of `prompts.build_messages`,
as a list or as JSON) and optionally `n`; output: one `variants` list per row."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc
import pandas as pd

MODEL_CODE = str(Path(__file__).with_name("generator_model_code.py"))
ARTIFACT = "generator"  # the artifact key (and folder name) of the model folder


class GeneratorPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from adcraft.models.generator import CopyGenerator

        self.folder = Path(context.artifacts[ARTIFACT])
        self.generator = CopyGenerator.from_folder(self.folder)

    def predict(self, context, model_input: pd.DataFrame,
                params: dict | None = None) -> pd.DataFrame:
        conversations = [json.loads(m) if isinstance(m, str) else list(m)
                         for m in model_input["messages"]]
        n = int((params or {}).get("n", 4))
        return pd.DataFrame({"variants": self.generator.generate(conversations, n=n)})


def native_generator(pyfunc_model):
    """The `CopyGenerator` a loaded pyfunc already holds (no second load)."""
    return pyfunc_model.unwrap_python_model().generator
