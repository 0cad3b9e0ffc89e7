"""The areas of `evaluation/` depend on each other in one direction (issue 12).

core ← organisation ← accounts ← plans ← records ← scoring ← rankings ← reports / imports /
yearend / audit / home: an area imports only areas to its left (and itself). The five at the top
are siblings and import none of each other; `audit` sits there because it reads every area's
records, as the reports do, and `home` (the to-do page) because it counts every area's work.
`demo` builds a whole province and may import anything; so may the application root
(`evaluation/__init__.py`, `models.py`, `cli.py`), which wires the areas together.

Every import counts, including those inside functions: a late import is still a dependency, only
hidden from the interpreter's circular-import error. Imports under `if TYPE_CHECKING:` are allowed
against the order (they vanish at run time and type a parameter only), but none exist today.
A private name (`_text`) is not imported from another area at all: what two areas share is public
in the lower one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "evaluation"

# Each area's layer; an area may import an area of a lower layer, or itself.
LAYERS: dict[str, int] = {
    "core": 0,
    "organisation": 1,
    "accounts": 2,
    "plans": 3,
    "records": 4,
    "rulesets": 4,
    "scoring": 5,
    "rankings": 6,
    "reports": 7,
    "imports": 7,
    "yearend": 7,
    "audit": 7,
    "home": 7,
    "ruleset_pages": 8,
    "notifications": 8,
    "api": 8,
}
# May import anything: the demo province and the application root.
UNRESTRICTED = {"demo", "__init__", "models", "config", "cli"}
AREAS = set(LAYERS) | {"demo"}


def _area(module: str) -> str | None:
    """`evaluation.scoring.periods` → `scoring`; the root package → `__init__`; else None."""
    parts = module.split(".")
    if parts[0] != "evaluation":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    """`evaluation/scoring/periods.py` (relative to the repository) → its dotted name."""
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Line numbers of the statements under `if TYPE_CHECKING:`."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for child in node.body:
                for inner in ast.walk(child):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def _imports(relative: Path, source: str) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) for every import in the file, nested ones too."""
    tree = ast.parse(source, filename=str(relative))
    skipped = _type_checking_lines(tree)
    package = _module_name(relative)
    if relative.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            names = [alias.name for alias in node.names]
            found.append((node.lineno, module, names))
            # `from evaluation import scoring` imports the area itself; other names there are
            # the application root's.
            if module == "evaluation":
                areas = [name for name in names if name in AREAS]
                found += [(node.lineno, f"evaluation.{name}", []) for name in areas]
    return found


def violations_in(relative: Path, source: str) -> list[str]:
    """The imports of one file against the order, as `file:line: what`."""
    importer = _module_name(relative)
    here = importer.split(".")[1] if "." in importer else "__init__"
    if here in UNRESTRICTED:
        return []
    assert here in LAYERS, f"{importer}: an area without a place in the order"
    found = []
    for line, module, names in _imports(relative, source):
        there = _area(module)
        if there is None or there == here or there == "config":
            continue
        where = f"{relative}:{line}"
        if there not in LAYERS or LAYERS[there] >= LAYERS[here]:
            found.append(f"{where}: imports {module}, not below {here}")
        private = [name for name in names if name.startswith("_")]
        if private:
            found.append(f"{where}: imports private {', '.join(private)} of {module}")
    return found


def violations() -> list[str]:
    """Every import of `evaluation/` against the order."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += violations_in(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    return found


def test_every_area_imports_only_areas_below_it() -> None:
    found = violations()
    assert not found, "imports against the order:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from evaluation.scoring.models import AnnualEvaluation", True),
        ("def f():\n    from evaluation.rankings import services", True),
        ("import evaluation.imports.routes", True),
        ("from evaluation.records.models import LeaveRecord", True),
        ("from evaluation.core.text import _clean", True),
        ("from evaluation import reports", True),
        ("if TYPE_CHECKING:\n    from evaluation.scoring.models import AnnualEvaluation", False),
        ("from evaluation.organisation.models import Unit", False),
        ("from evaluation.core.db import db", False),
        ("from . import services", False),
        ("from criteria import classify", False),
    ],
)
def test_the_walk_sees_nested_upward_and_private_imports(source: str, caught: bool) -> None:
    """A made-up module of `plans`: the check catches what it should, and only that."""
    assert bool(violations_in(Path("evaluation/plans/made_up.py"), source)) is caught
