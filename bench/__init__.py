"""Benchmarks: one command (`make bench`), results to docs/benchmarks.md."""
