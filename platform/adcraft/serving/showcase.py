"""Ask a running adcraft application for recommendations and show what came back, as a
marketer would read it: the demo's last stage and `adcraft serve`'s greeting."""

from __future__ import annotations

import json
import textwrap
import time
from typing import Any

import requests


def ask(url: str, api_key: str | None, body: dict[str, Any], timeout: float = 300,
        retries: int = 3, say=print) -> dict:
    """POST /v1/recommendations; raises with the server's message on a non-200. A 503
    (a model still starting, a replica overloaded) is asked again after its Retry-After,
    up to `retries` times, each retry said, as a well-behaved client does."""
    headers = {"x-api-key": api_key} if api_key else {}
    for attempt in range(retries + 1):
        r = requests.post(f"{url}/v1/recommendations", json=body, headers=headers,
                          timeout=timeout)
        if r.status_code != 503 or attempt == retries:
            break
        wait = min(float(r.headers.get("Retry-After") or 1), 30.0)
        say(f"503 from /v1/recommendations ({r.text[:200]}): asking again in {wait:.0f}s")
        time.sleep(wait)
    if r.status_code != 200:
        raise RuntimeError(f"/v1/recommendations answered {r.status_code}: {r.text[:500]}")
    return r.json()


def describe_answer(answer: dict, who: str) -> str:
    """Products, p(convert), the copy chosen with the facts it states, model versions."""
    lines = [f"{who}  (segment {answer['segment']}"
             + (", cold start" if answer["cold_start"] else "")
             + (", DEGRADED" if answer["degraded"] else "") + ")"]
    for rank, item in enumerate(answer["items"], start=1):
        p = item.get("p_convert")
        lines.append(f"  {rank}. {item['title']}  [{item['product_id']}]  score "
                     f"{item['score']:.3f}" + (f", p(convert) {p:.3f}" if p is not None else ""))
        copy = item.get("copy")
        if copy:
            source = copy["source"] + (" (degraded)" if copy["degraded"] else "") + (
                ", approved in the copy store" if copy.get("reviewed") else
                ", written for this request")
            lines.append(textwrap.fill(f'"{copy["text"]}"', width=92,
                                       initial_indent="     ", subsequent_indent="      "))
            lines.append(f"     {copy['kind']} by the {source}, variant {copy['variant_id']}; "
                         f"facts: {', '.join(copy['facts']) or '-'}")
    versions = ", ".join(f"{k} {v}" for k, v in sorted(answer["model_versions"].items()))
    lines.append(f"  answered by: {versions}")
    return "\n".join(lines)


def how_to_query(url: str, shopper_id: str, product_id: str,
                 key_hint: str = "$ADCRAFT_KEY") -> str:
    body = json.dumps({"shopper_id": shopper_id, "k": 3, "channel": "email"})
    copy = json.dumps({"product_id": product_id, "shopper_id": shopper_id, "kind": "ad_copy"})
    return "\n".join([
        f"  curl -s {url}/v1/recommendations -H 'x-api-key: {key_hint}' \\",
        "       -H 'content-type: application/json' \\",
        f"       -d '{body}'",
        f"  curl -s {url}/v1/copy -H 'x-api-key: {key_hint}' -H 'content-type: "
        "application/json' \\",
        f"       -d '{copy}'",
        f"  OpenAPI: {url}/docs    health: {url}/healthz",
    ])
