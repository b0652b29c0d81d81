"""Shopper profiles and item features, built with polars; no Ray needed."""
