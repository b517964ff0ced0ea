"""List the screenshots of the browser test at the end of the run, where CI logs show them."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    shots = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            shots += [value for name, value in report.user_properties if name == "screenshot"]
    if shots:
        terminalreporter.section("browser screenshots")
        for path in shots:
            terminalreporter.line(str(path))
