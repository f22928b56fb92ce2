"""Checks the code's shape that import-linter cannot (make lint): no module imports a private
name (one with a leading underscore) from another package, and no module outside migrations is
longer than MAX_LINES. Prints each fault with its file and line; exits 1 if there is one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_LINES = 600
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "seen"


def package_of(path: Path) -> str:
    """seen.<package> for a file under src/seen (the top-level module for a file beside them);
    "tests" for a test, which may import no private name of Seen's."""
    if not path.is_relative_to(SOURCE):
        return "tests"
    return "seen." + path.relative_to(SOURCE).parts[0].removesuffix(".py")


def private_imports(path: Path) -> list[str]:
    faults = []
    own = package_of(path)
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("seen."):
            continue
        theirs = ".".join(node.module.split(".")[:2])  # type: ignore[union-attr]
        if theirs == own:
            continue
        for alias in node.names:
            if alias.name.startswith("_"):
                faults.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: imports the private name "
                    f"{alias.name} from {node.module}, another package"
                )
    return faults


def too_long(path: Path) -> list[str]:
    lines = len(path.read_text().splitlines())
    if lines > MAX_LINES:
        return [f"{path.relative_to(ROOT)}: {lines} lines (at most {MAX_LINES}): split it by job"]
    return []


def main() -> int:
    faults = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        faults += private_imports(path)
        faults += too_long(path)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        faults += private_imports(path)
    print(
        "\n".join(faults)
        or f"architecture: no private name crosses a package; no module over {MAX_LINES} lines"
    )
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
