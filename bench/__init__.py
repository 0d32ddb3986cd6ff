"""Benchmarks: ``python -m bench`` prints one JSON object of figures (see bench/README.md)."""
