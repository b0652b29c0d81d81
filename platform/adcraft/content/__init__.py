"""Prompts, guardrails and copy scoring; importable without Ray."""
