"""MLflow "models from code" entry for the copy generator (nothing is pickled)."""

import mlflow

from adcraft.models.generator_pyfunc import GeneratorPyfunc

mlflow.models.set_model(GeneratorPyfunc())
