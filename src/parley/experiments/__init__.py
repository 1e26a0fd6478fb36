"""Ensembles of model runs: seeds, chunks, overrides, and the tables they produce."""
