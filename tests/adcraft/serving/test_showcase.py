from __future__ import annotations

import http.server
import json
import shlex
import threading

import pytest

from adcraft.serving.schemas import CopyOut, RecommendationResponse, RecommendedItem
from adcraft.serving.showcase import ask, describe_answer, how_to_query


def _answer(degraded: bool) -> dict:
    copy = CopyOut(text="Soft merino for cold mornings.", variant_id="v2", kind="email_subject",
                   source="template" if degraded else "generator", degraded=degraded,
                   fallback="generator_unavailable" if degraded else None,
                   facts=["merino wool"])
    items = [RecommendedItem(product_id="P000007", title="Merino Jumper", score=0.91,
                             p_click=0.2, p_convert=0.031, copy=copy),
             RecommendedItem(product_id="P000009", title="Wool Socks", score=0.5,
                             p_click=None, p_convert=None)]
    return RecommendationResponse(
        request_id="r1", shopper_id="S1", cold_start=False, segment="knitwear", items=items,
        degraded=degraded, model_versions={"generator": "g/2", "conversion": "c/1"},
    ).model_dump(mode="json")


def test_an_answer_reads_as_products_copy_facts_and_versions():
    text = describe_answer(_answer(degraded=False), "Shopper S1")
    lines = text.splitlines()
    assert lines[0] == "Shopper S1  (segment knitwear)"
    assert "1. Merino Jumper  [P000007]  score 0.910, p(convert) 0.031" in text
    assert '"Soft merino for cold mornings."' in text
    assert ("email_subject by the generator, written for this request, variant v2; facts: "
            "merino wool") in text
    assert "2. Wool Socks  [P000009]  score 0.500" in text and "p(convert) None" not in text
    assert lines[-1] == "  answered by: conversion c/1, generator g/2"


def test_copy_from_the_store_says_so():
    answer = _answer(degraded=False)
    answer["items"][0]["copy"]["reviewed"] = True
    assert "by the generator, approved in the copy store, variant v2" in describe_answer(
        answer, "Shopper S1")


def test_degraded_answers_say_so():
    text = describe_answer(_answer(degraded=True), "Shopper S1")
    assert "DEGRADED" in text.splitlines()[0] and "by the template (degraded)" in text


def test_the_curl_examples_carry_valid_json():
    text = how_to_query("http://127.0.0.1:8000", "S000042", "P000003", "k3y")
    bodies = [json.loads(shlex.split(line)[-1]) for line in text.splitlines()
              if line.strip().startswith("-d")]
    assert bodies[0] == {"shopper_id": "S000042", "k": 3, "channel": "email"}
    assert bodies[1]["product_id"] == "P000003" and "x-api-key: k3y" in text


class _Busy(http.server.BaseHTTPRequestHandler):
    """Answers 503 (Retry-After 0) to its first `busy` requests, then 200."""
    busy = 0
    seen = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        type(self).seen += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        code, body = (503, b'{"detail": "the ranker is unavailable"}') if (
            type(self).seen <= type(self).busy) else (200, b'{"items": []}')
        self.send_response(code)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(busy: int):
    _Busy.busy, _Busy.seen = busy, 0
    server = http.server.HTTPServer(("127.0.0.1", 0), _Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_ask_retries_a_503_after_its_retry_after_and_says_so():
    server, url = _serve(busy=2)
    said = []
    try:
        assert ask(url, "k", {"k": 1}, retries=3, say=said.append) == {"items": []}
    finally:
        server.shutdown()
    assert _Busy.seen == 3 and len(said) == 2 and "ranker is unavailable" in said[0]


def test_ask_gives_up_after_its_retries_with_the_servers_message():
    server, url = _serve(busy=5)
    try:
        with pytest.raises(RuntimeError, match="answered 503: .*ranker is unavailable"):
            ask(url, None, {"k": 1}, retries=1, say=lambda _: None)
    finally:
        server.shutdown()
    assert _Busy.seen == 2
