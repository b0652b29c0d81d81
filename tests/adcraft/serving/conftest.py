"""The real models of a small serving stack, loaded once for the module's tests."""

from __future__ import annotations

import asyncio

import pytest

from adcraft.serving.components import ConversionScorer, CopyWriter, QueryEmbedder, Ranker
from adcraft.serving.service import LocalBackends
from adcraft.settings import Settings
from adcraft.shopview import ShopView


class FailingBackends(LocalBackends):
    """The real models, with a generator that fails (or is slow, when `delay_s`)."""

    delay_s: float | None = None

    async def generate(self, messages, n):
        if self.delay_s is None:
            raise RuntimeError("generator replica died")
        await asyncio.sleep(self.delay_s)
        return await super().generate(messages, n)


@pytest.fixture(scope="module")
def parts(serving_stack):
    settings = Settings(**serving_stack)
    shop = ShopView.load(settings)
    return settings, shop, (QueryEmbedder.load(settings), Ranker.load(settings, shop),
                            ConversionScorer.load(settings, shop), CopyWriter.load(settings))
