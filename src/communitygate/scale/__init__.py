"""A city's worth of data (`communitygate seed_scale`) for the benchmarks (bench/burden.py)."""
