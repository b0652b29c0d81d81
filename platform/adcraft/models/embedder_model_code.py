"""MLflow "models from code" entry for the embedder (nothing is pickled)."""

import mlflow

from adcraft.models.embedder_pyfunc import EmbedderPyfunc

mlflow.models.set_model(EmbedderPyfunc())
