"""Loads the shared fixtures (see fixtures/)."""

pytest_plugins = [
    "tests.fixtures.backends",
    "tests.fixtures.app",
    "tests.fixtures.probe",
    "tests.fixtures.reporting",
]
