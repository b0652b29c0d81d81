"""The front door, as a user types it (typer's runner: same parsing, same exit codes)."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from adcraft.data.io import write_tables
from adcraft.data.sources import dataset_dir
from adcraft.data.synthetic import build_shop
from adcraft.features.build import build_features
from adcraft.serving.stack import missing_models
from adcraft.settings import get_settings
from adcraft_cli.main import app

runner = CliRunner()


def test_help_lists_every_command_and_passes_through_to_the_pipelines():
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for command in ("demo", "submit", "promote", "serve", "status"):
        assert command in top.output
    demo = runner.invoke(app, ["demo", "--help"])
    assert demo.exit_code == 0 and "--rebuild" in demo.output and "--keep-serving" in demo.output
    promote = runner.invoke(app, ["promote", "--help"])
    assert promote.exit_code == 0 and "--force" in promote.output


def test_submit_without_a_cluster_names_the_variable(monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    result = runner.invoke(app, ["submit", "tune_conversion", "--", "--trials", "2"])
    assert result.exit_code == 2 and "RAY_ADDRESS" in result.output


def test_status_of_a_fresh_home(home, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = runner.invoke(app, ["status", "--url", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 0, result.output
    for part in (str(home), "nothing built", "no registered models yet",
                 "RAY_ADDRESS is not set", "not running"):
        assert part in result.output, part


def test_serve_refuses_when_nothing_is_built(home):
    result = runner.invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "adcraft demo" in result.output


def test_serve_names_what_the_registry_lacks(home):
    settings = get_settings()
    tables = build_shop(settings.shop, settings.seed).tables()
    write_tables(build_features(tables), dataset_dir("synthetic", settings) / "features")
    assert len(missing_models(settings)) == 4  # index, embedder, conversion, generator
    result = runner.invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 2
    for part in ("product index", "adcraft-embedder@champion", "adcraft-conversion@champion",
                 "pipelines.finetune_generator"):
        assert part in " ".join(result.output.split()), part


def test_db_migrates_the_store_it_names(database_url, monkeypatch):
    monkeypatch.setenv("ADCRAFT_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        before = runner.invoke(app, ["db"])
        assert before.exit_code == 0 and "revision none (empty), newest 0001" in before.output
        after = runner.invoke(app, ["db", "upgrade"])
        assert after.exit_code == 0 and "revision 0001, newest 0001" in after.output
        wrong = runner.invoke(app, ["db", "downgrade"])
        assert wrong.exit_code == 2 and "one of upgrade, current" in wrong.output
    finally:
        get_settings.cache_clear()
