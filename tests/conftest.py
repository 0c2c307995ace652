"""Shared pytest wiring: each real server has its own fixture module."""

pytest_plugins = [
    "tests.fixtures.dovecot",
    "tests.fixtures.smtp",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.scenarios",
    "tests.fixtures.real_servers",
    "tests.fixtures.entra",
    "tests.fixtures.graph",
    "tests.fixtures.ews",
    "tests.fixtures.calendars",
    "tests.fixtures.kerberos",
    "tests.fixtures.backends",
    "tests.fixtures.proxy",
    "tests.fixtures.template_checks",
]
