from __future__ import annotations

import socket

import torch

from serve_apps import local


def test_the_generator_gets_time_on_a_machine_without_a_gpu(monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    expected = 8.0 if torch.cuda.is_available() else local.CPU_GENERATOR_TIMEOUT_S
    assert local.generator_timeout(8.0) == expected
    assert local.generator_timeout(300.0) == 300.0  # a longer setting is kept
    monkeypatch.setenv("RAY_ADDRESS", "http://head:8265")  # a cluster's replicas: as set
    assert local.generator_timeout(8.0) == 8.0


def test_a_taken_port_is_seen_as_taken():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert not local.port_is_free("127.0.0.1", s.getsockname()[1])
    assert local.port_is_free("127.0.0.1", local.free_port())
