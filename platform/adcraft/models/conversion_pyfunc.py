"""The conversion model as an MLflow pyfunc, so it registers, versions and loads by
alias like any MLflow model (pandas in, pandas out, as pyfunc requires)."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pandas as pd
import polars as pl

from adcraft.features.training import FeatureSpec
from adcraft.models.conversion import ConversionModel

# The file MLflow runs to build this pyfunc at load time (models from code).
MODEL_CODE = str(Path(__file__).with_name("conversion_model_code.py"))


class ConversionPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        self.model = ConversionModel.load(context.artifacts["model"])

    def predict(self, context, model_input: pd.DataFrame,
                params: dict | None = None) -> pd.DataFrame:
        return self.model.predict(pl.from_pandas(model_input)).to_pandas()


def native_model(pyfunc_model) -> ConversionModel:
    """The native ConversionModel behind a loaded pyfunc (for in-process use)."""
    return pyfunc_model.unwrap_python_model().model


def pyfunc_input(frame: pl.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """The feature columns as pyfunc takes them: floats and strings, nulls as NaN/None."""
    return frame.select(
        *[pl.col(c).cast(pl.Float64) for c in spec.numeric],
        *[pl.col(c).cast(pl.String) for c in spec.categorical],
    ).to_pandas()
