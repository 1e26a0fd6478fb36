"""The record: what happened, and who says so. Sources, passages, actors, events, claims."""
