"""Checks the code's shape that import-linter cannot (make lint): no module imports a private
name (one with a leading underscore) from another package, no module outside migrations is
longer than MAX_LINES, and no page reads what was posted except through its form (the gate
binds a page's SeenForm to `request.POST`; only the modules in READS_POST touch it). Prints
each fault with its file and line; exits 1 if there is one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_LINES = 600
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "seen"
# the modules that may read request.POST: the gate (it binds the page's form and reads the
# declared purpose and step), the hostile-input middleware (it refuses a NUL before any view)
# and the sign-in page (Django's own authentication form)
READS_POST = {
    "src/seen/web/gate.py",
    "src/seen/web/hostile_input.py",
    "src/seen/web/views_auth.py",
}


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


def reads_post(path: Path) -> list[str]:
    """`<anything>.POST` outside READS_POST: a page reading its input by hand."""
    if str(path.relative_to(ROOT)) in READS_POST:
        return []
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: reads .POST by hand: declare a SeenForm "
        "in @page(post=…) and read it with gate.form"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr == "POST"
    ]


def main() -> int:
    faults = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        faults += private_imports(path)
        faults += too_long(path)
        faults += reads_post(path)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        faults += private_imports(path)
    print(
        "\n".join(faults)
        or f"architecture: no private name crosses a package; no module over {MAX_LINES} "
        "lines; no page reads .POST by hand"
    )
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
