"""Scoring: feature jargon left, grounded claims, and fit to an executive title."""
