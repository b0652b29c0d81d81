"""Tables, loaders for real formats and the synthetic shop; all polars, no Ray."""
