"""Shared by the Python tests: count checks, report failures, and close with the line CTest
logs show ("N passed, M failed")."""
import sys

failures = []
_count = [0]


def check(condition, what):
    _count[0] += 1
    if not condition:
        failures.append(what)
        print("FAIL:", what)
    return condition


def finish():
    print(f"{_count[0] - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
