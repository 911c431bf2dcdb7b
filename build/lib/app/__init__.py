"""primed: feature-to-outcome rewriting grounded in professional-services case notes."""

__version__ = "0.1.0"
