"""What `adcraft status` shows: where the state lives, what is built, which model versions
hold which alias (with their scores), the cluster's recent jobs, and whether the
application answers."""

from __future__ import annotations

from pathlib import Path

import requests

from adcraft.registry import CHALLENGER, CHAMPION, Registry
from adcraft.report import CONVERSION_SCORES, GENERATOR_SCORES
from adcraft.retrieval.index import index_model
from adcraft.settings import Settings
from adcraft.specs import CONVERSION, GENERATOR

SCORES = {CONVERSION: CONVERSION_SCORES, GENERATOR: GENERATOR_SCORES}


def datasets(settings: Settings, registry: Registry) -> str:
    """Each dataset under data_dir and what it has: tables, features, a product index."""
    root = Path(settings.data_dir)
    found = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not found:
        return f"  nothing built under {root}: run `adcraft demo`"
    lines = []
    for folder in found:
        parts = [sub for sub in ("tables", "features", "truth") if (folder / sub).is_dir()]
        index = registry.alias_version(index_model(folder.name), CHAMPION)
        if index is not None:
            parts.append(f"index ({index_model(folder.name)}@{CHAMPION} = v{index})")
        lines.append(f"  {folder.name:<16} {', '.join(parts) or 'empty'}")
    return "\n".join(lines)


def models(registry: Registry) -> str:
    """Every registered model: versions, champion and challenger with their test scores."""
    registered = registry.client.search_registered_models()
    if not registered:
        return "  no registered models yet"
    lines = []
    for model in sorted(registered, key=lambda m: m.name):
        versions = registry.versions(model.name)
        lines.append(f"  {model.name}: {len(versions)} version(s)")
        for alias in (CHAMPION, CHALLENGER):
            version = registry.alias_version(model.name, alias)
            if version is None:
                lines.append(f"    @{alias:<10} -")
                continue
            run_id = registry.client.get_model_version(model.name, str(version)).run_id
            metrics = registry.client.get_run(run_id).data.metrics if run_id else {}
            keys = SCORES.get(model.name, tuple(k for k in sorted(metrics)
                                                if k.startswith("test_")))
            scores = ", ".join(f"{k.removeprefix('test_')} {metrics[k]:.4f}" for k in keys
                               if k in metrics)
            lines.append(f"    @{alias:<10} v{version}  {scores}")
    return "\n".join(lines)


def jobs(address: str | None, limit: int = 5) -> str:
    """The cluster's most recent Ray Jobs, or why they cannot be listed."""
    if not address:
        return "  RAY_ADDRESS is not set (jobs run on the cluster it names)"
    try:
        from ray.job_submission import JobSubmissionClient

        listed = JobSubmissionClient(address).list_jobs()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the cluster is reported
        return f"  {address}: not reachable ({type(exc).__name__}: {str(exc)[:160]})"
    recent = sorted(listed, key=lambda j: j.start_time or 0, reverse=True)[:limit]
    if not recent:
        return f"  {address}: no jobs yet"
    return "\n".join(f"  {j.submission_id or j.job_id}  {j.status.value:<10} {j.entrypoint}"
                     for j in recent)


def application(url: str) -> str:
    try:
        health = requests.get(f"{url}/healthz", timeout=3)
    except requests.RequestException:
        return f"  {url}: not running (`adcraft serve` starts it)"
    return f"  {url}: {health.status_code} {health.text[:120]}"
