"""Pure models over NumPy arrays: no I/O, no printing, no global random state."""
