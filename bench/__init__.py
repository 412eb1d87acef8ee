"""Benchmarks at province scale: `make bench` (`python -m bench --help`). Never part of `make test`:
speed is measured here, on generated data, with each figure beside a reference measured in the
same run. See bench/RESULTS.md for the figures and how they were taken."""
