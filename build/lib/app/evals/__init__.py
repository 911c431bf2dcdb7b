"""Eval suites: golden cases, runs over engines, comparison with a baseline, reports."""
