"""`python -m benchmarks [name ...]`: run every benchmark, or the named ones."""

import importlib
import sys

BENCHMARKS = ("catalogue", "enrolment", "attendance", "certificates")


def main(names: list[str]) -> int:
    for name in names or BENCHMARKS:
        importlib.import_module(f"benchmarks.{name}").run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
