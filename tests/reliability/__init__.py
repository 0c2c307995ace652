"""Reliability harnesses: kill, two-daemon, poison and fuzz, against real servers.

The short seeded form runs in the normal suite (tests/reliability/test_*.py); the full form
is `scripts/soak`, which runs the same code at size through `python -m tests.reliability.cli`.
"""
