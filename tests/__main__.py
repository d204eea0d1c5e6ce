"""Run every project test and end with the line `N passed, N failed, N skipped`.

Usage: python3 -m tests [PATTERN...]   (PATTERN filters test ids by substring)
"""
import sys
import unittest


class CountingResult(unittest.TextTestResult):
    """A text result that keeps the reasons of skipped tests for the summary."""


def main(argv: list[str]) -> int:
    loader = unittest.TestLoader()
    suite = loader.discover("tests", pattern="test_*.py", top_level_dir=".")
    if argv:
        suite = unittest.TestSuite(
            t for t in _flatten(suite) if any(p in t.id() for p in argv))
    runner = unittest.TextTestRunner(verbosity=2, resultclass=CountingResult,
                                     stream=sys.stdout)
    result = runner.run(suite)
    # a test with failing subtests is one failed test
    failed = len({_test_of(t) for t, _ in result.failures + result.errors} |
                 {_test_of(t) for t in result.unexpectedSuccesses})
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    for test, reason in result.skipped:
        print(f"SKIPPED {test.id()}: {reason}")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0 if failed == 0 and result.testsRun > 0 else 1


def _test_of(test: unittest.TestCase) -> str:
    return getattr(test, "test_case", test).id()


def _flatten(suite: unittest.TestSuite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
