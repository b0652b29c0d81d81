"""Online serving, importable and testable without Ray: the HTTP contract (`schemas`,
`api`), the four model components, copy choice (guardrails, Thompson bandit, degraded
template copy), the durable event log and what feedback changes, and the service that
ties them together. `serve_apps/` wires these into Ray Serve deployments.

Submodules are imported directly (`from adcraft.serving.eventlog import read_feedback`)
so that reading the event log does not import torch."""
