"""Benchmarks: a synthetic data generator (``bench.synthetic``) and the benchmark itself (``bench.run``)."""
