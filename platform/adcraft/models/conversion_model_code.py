"""MLflow "models from code" entry for the conversion model: MLflow runs this file to
build the pyfunc when it loads a logged version, so nothing is pickled."""

import mlflow

from adcraft.models.conversion_pyfunc import ConversionPyfunc

mlflow.models.set_model(ConversionPyfunc())
