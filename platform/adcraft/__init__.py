"""adcraft: personalised e-commerce marketing content, trained and served on Ray."""

__version__ = "0.1.0"
