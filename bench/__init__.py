"""Benchmarks: each prints one JSON line of figures, compared with a baseline measured in
the same run (machines here are noisy, so only ratios within one run mean much)."""
