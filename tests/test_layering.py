"""The core is layered: no module-level import cycle, plugins see only the public API, and no
module outgrows a few screens.

Only imports that run when a module is loaded count: imports inside functions and inside
`if TYPE_CHECKING:` blocks do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_API = {"intranet.plugin_api", "intranet.hookspecs"}
LONGEST_MODULE = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in ("intranet", "plugins"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts and "tests" not in path.parts:
                found[module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements that run on import: not in functions, not under TYPE_CHECKING."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level(block)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The known modules `name` imports at module level (`from a import b` counts a.b if known)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _module_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def is_package_parent(module: str, target: str) -> bool:
    """A package's `__init__` importing its own submodules is no cycle worth the name."""
    return module.startswith(target + ".")


def test_no_module_level_import_cycle():
    graph = import_graph()
    graph = {
        name: {t for t in targets if not is_package_parent(name, t)}
        for name, targets in graph.items()
    }
    assert cycles(graph) == []


def test_the_core_never_imports_the_plugin_facade():
    offenders = [
        name
        for name, targets in import_graph().items()
        if name.startswith("intranet") and name != "intranet.plugin_api"
        if "intranet.plugin_api" in targets
    ]
    assert offenders == []


def test_plugins_import_only_the_public_api_from_the_core():
    offenders = {
        name: sorted(t for t in targets if t.startswith("intranet") and t not in PUBLIC_API)
        for name, targets in import_graph().items()
        if name.startswith("plugins.")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_graph_sees_imports_that_make_a_cycle(tmp_path):
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("from pkg import b\n")
    second.write_text(
        "import pkg.a\nif TYPE_CHECKING:\n    import pkg.c\n\ndef f():\n    import pkg.c\n"
    )
    known = {"pkg.a", "pkg.b", "pkg.c"}
    graph = {
        "pkg.a": imports_of("pkg.a", first, known),
        "pkg.b": imports_of("pkg.b", second, known),
    }
    assert graph == {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_module_is_longer_than_a_few_screens():
    """Migrations and demo data (already skipped by `modules()`, or named demo.py) excepted."""
    too_long = {
        name: lines
        for name, path in modules().items()
        if path.name != "demo.py"
        if (lines := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert too_long == {}
