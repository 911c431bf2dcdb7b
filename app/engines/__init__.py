"""Rewrite engines: one protocol, one registry (llm, grounded, naive)."""
