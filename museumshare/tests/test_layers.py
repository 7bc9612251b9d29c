"""The house: each app imports only the apps below it (docs/development.md, "The layers").

A lower app that needs a higher one is a sign the code belongs in the higher one; this test names
the import so the reviewer sees it.
"""

import ast
from pathlib import Path

import museumshare

# From the bottom up; apps on one floor may not import each other, except core and accounts, which
# are one floor (core's permission helpers read accounts' groups; accounts' services use the audit log).
FLOORS = [
    {"core", "accounts"},
    {"organisations"},
    {"activities"},
    {"loans", "programmes"},
    {"needs"},
    {"returns"},
    {"reports", "atlas"},
    {"api"},
]
FLOOR = {app: number for number, apps in enumerate(FLOORS) for app in apps}
PACKAGE = Path(museumshare.__file__).parent


def imported_apps(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        found.update(name.split(".")[1] for name in names if name.startswith("museumshare.") and name.count("."))
    return found


def test_every_app_is_on_a_floor() -> None:
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps == set(FLOOR)


def test_no_app_imports_an_app_above_it_or_beside_it() -> None:
    upward = []
    for path in sorted(PACKAGE.glob("*/**/*.py")):
        app = path.relative_to(PACKAGE).parts[0]
        if app not in FLOOR or "tests" in path.parts:
            continue
        for other in imported_apps(path) - {app}:
            beside = FLOOR[other] == FLOOR[app] and FLOORS[FLOOR[app]] != {"core", "accounts"}
            if other in FLOOR and (FLOOR[other] > FLOOR[app] or beside):
                upward.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert upward == []
