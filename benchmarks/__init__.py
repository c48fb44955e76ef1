"""Load and query benchmarks against a large seeded PostgreSQL database (run benchmarks/run)."""
