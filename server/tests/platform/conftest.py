from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the schemathesis summaries (operations, cases, failures) at the end of the run."""
    lines = [
        value
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "schemathesis"
    ]
    if lines:
        terminalreporter.section("schemathesis")
        for line in sorted(lines):
            terminalreporter.line(line)
