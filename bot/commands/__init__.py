"""One module per group of commands; each has register(subparsers).

A command module imports at its top only what its arguments need; each handler imports its
services when it runs. So `tscp-bot --help` loads no adapter, and a command loads only its own
(tests/test_cli_imports.py holds this).
"""
