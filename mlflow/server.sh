#!/usr/bin/env bash
# The MLflow tracking server for adcraft (see mlflow/README.md).
#
# Default: the project's own local store, the one adcraft.registry uses when no tracking
# URI is set, so runs and models logged before the server started are all visible:
#   backend    sqlite:///<ADCRAFT_HOME>/mlflow/mlflow.db      (ADCRAFT_HOME: .adcraft)
#   artefacts  <ADCRAFT_HOME>/mlflow/artifacts                (served through the server)
# A shared setup: set both (each one alone also overrides only its own default)
#   MLFLOW_BACKEND_STORE_URI      e.g. postgresql://user:pass@db.internal:5432/mlflow
#   MLFLOW_ARTIFACTS_DESTINATION  e.g. s3://my-bucket/adcraft
# Network: MLFLOW_HOST (127.0.0.1; 0.0.0.0 to serve other machines), MLFLOW_PORT (5000),
# MLFLOW_WORKERS (1; each worker is a ~0.3 GB process). Any other argument is passed on to
# `mlflow server`, e.g. `mlflow/server.sh --allowed-hosts mlflow.example.com`.
# MLflow's job runner (GenAI scorers and trace jobs, which adcraft does not use) is off by
# default: it starts 8 more processes (~0.9 GB) and takes startup from ~12 s to ~21 s;
# MLFLOW_SERVER_ENABLE_JOB_EXECUTION=true turns it back on.
#
# Artefacts are proxied (`--artifacts-destination`): clients write `mlflow-artifacts:/`
# URIs over HTTP, so a Ray worker on another node needs no access to the storage itself.
set -euo pipefail

backend="${MLFLOW_BACKEND_STORE_URI:-}"
artifacts="${MLFLOW_ARTIFACTS_DESTINATION:-}"
if [[ -z "$backend" || -z "$artifacts" ]]; then
    store="${ADCRAFT_HOME:-.adcraft}/mlflow"
    mkdir -p "$store/artifacts"
    store="$(cd "$store" && pwd -P)"  # absolute, as adcraft.registry.local_store_uri has it
    backend="${backend:-sqlite:///$store/mlflow.db}"
    artifacts="${artifacts:-$store/artifacts}"
fi
host="${MLFLOW_HOST:-127.0.0.1}"
port="${MLFLOW_PORT:-5000}"
workers="${MLFLOW_WORKERS:-1}"
export MLFLOW_DISABLE_TELEMETRY="${MLFLOW_DISABLE_TELEMETRY:-true}"
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"

# never print a database password: show the URI without its user:password@ part
echo "mlflow server: backend ${backend/\/\/*@/\/\/***@}, artefacts $artifacts," \
     "http://$host:$port ($workers worker(s))" >&2

exec mlflow server \
    --backend-store-uri "$backend" \
    --artifacts-destination "$artifacts" \
    --serve-artifacts \
    --host "$host" \
    --port "$port" \
    --workers "$workers" \
    "$@"
