"""Choosing copy strategies: off-policy evaluation of a policy from logs; no Ray needed."""

from adcraft.strategy.ope import (
    Estimate,
    doubly_robust,
    estimate_all,
    importance_weights,
    ips,
    snips,
)

__all__ = ["Estimate", "doubly_robust", "estimate_all", "importance_weights", "ips", "snips"]
