"""Metrics of model runs against the record: free functions over result tables."""
