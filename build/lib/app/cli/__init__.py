"""The `primed` command line: one module per command group."""
