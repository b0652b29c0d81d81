"""Model evaluation: classification, calibration and ranking metrics; no Ray needed.
Figures live in `adcraft.eval.plots`, kept out of here so metrics load without matplotlib."""

from adcraft.eval.metrics import (
    auc,
    calibration_table,
    classification_report,
    expected_calibration_error,
    hit_rate_at_k,
    log_loss,
    ndcg_at_k,
)

__all__ = [
    "auc",
    "calibration_table",
    "classification_report",
    "expected_calibration_error",
    "hit_rate_at_k",
    "log_loss",
    "ndcg_at_k",
]
