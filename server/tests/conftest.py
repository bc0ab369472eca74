"""Loads the shared fixtures (see fixtures/)."""

pytest_plugins = [
    "tests.fixtures.backends", "tests.fixtures.app", "tests.fixtures.jwks_server",
    "tests.fixtures.processes", "tests.fixtures.carriers",
]
