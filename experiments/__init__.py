"""Batch experiments: ensembles of runs with seeds derived from one root seed."""
