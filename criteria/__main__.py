"""Command line: ``python -m criteria classify FILE|-`` and ``python -m criteria unit FILE|-``.

JSON in, JSON out (classify-contract.md). Invalid input: exit 2, a message naming the field on
standard error, nothing on standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from criteria.classify import classify
from criteria.errors import InvalidFacts
from criteria.facts import parse_facts
from criteria.unit import unit_result

USAGE = "usage: python -m criteria {classify,unit} FILE|-"
EXIT_INVALID = 2


def classify_one(obj: Any) -> dict[str, Any]:
    return classify(parse_facts(obj)).to_dict()


COMMANDS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "classify": classify_one,
    "unit": unit_result,
}


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)
        return EXIT_INVALID
    command, source = COMMANDS[args[0]], args[1]
    try:
        data = _read(source, stdin or sys.stdin)
        output = _run(command, data)
    except InvalidFacts as error:
        print(f"invalid input: {error}", file=sys.stderr)
        return EXIT_INVALID
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {source}: {error}", file=sys.stderr)
        return EXIT_INVALID
    sys.stdout.write(json.dumps(output, ensure_ascii=False, indent=2) + "\n")
    return 0


def _read(source: str, stdin: TextIO) -> Any:
    if source == "-":
        text = stdin.read()
    else:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidFacts("input", f"invalid JSON: {error}") from None


def _run(command: Callable[[Any], dict[str, Any]], data: Any) -> Any:
    """One object gives one result; a list gives a list in the same order (all checked first)."""
    if isinstance(data, list):
        results = []
        for i, item in enumerate(data):
            try:
                results.append(command(item))
            except InvalidFacts as error:
                raise error.within(f"[{i}]") from None
        return results
    if not isinstance(data, dict):
        raise InvalidFacts("input", "expected an object or a list of objects")
    return command(data)


if __name__ == "__main__":
    sys.exit(main())
