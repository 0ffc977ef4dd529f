"""Performance benchmarks for Tightrope (run with `make bench` or `python -m benchmarks.run`)."""
