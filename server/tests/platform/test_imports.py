"""Import rules of the server package, read from the source (STYLE.md §2, §15):

- no import circle between kataven_hub modules (counting imports inside functions, which is
  how circles used to be hidden; `if TYPE_CHECKING:` imports don't run and don't count);
- no kataven_hub import inside a function, except the few listed below that keep a process's
  start-up light;
- `core/` imports no domain module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import kataven_hub

PACKAGE = "kataven_hub"
ROOT = Path(kataven_hub.__file__).resolve().parent

# Lazy imports allowed, by importing module: they keep start-up light, never dodge a circle.
LAZY_ALLOWED: dict[str, frozenset[str] | None] = {
    # Each operator subcommand imports what it uses (`kataven-hub api` loads no account code).
    "kataven_hub.admin.cli": None,
    # The API loads the dispatcher and the webhook delivery worker only when it runs them.
    "kataven_hub.main": frozenset({"kataven_hub.dispatcher.loop", "kataven_hub.webhooks.worker"}),
}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(modules: dict[str, Path]) -> list[Import]:
    out: list[Import] = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"

        def targets(
            node: ast.Import | ast.ImportFrom, name: str = name, is_package: bool = is_package
        ) -> list[str]:
            if isinstance(node, ast.Import):
                return [alias.name for alias in node.names]
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            # `from package import module` imports the module; `from module import name` it.
            return [
                f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                for a in node.names
            ]

        def visit(node: ast.AST, in_function: bool, name: str = name) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    for other in child.orelse:
                        visit(other, in_function)
                    continue
                inner = in_function or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                )
                if isinstance(child, ast.Import | ast.ImportFrom):
                    for target in targets(child):
                        if target == PACKAGE or target.startswith(PACKAGE + "."):
                            out.append(Import(name, target, child.lineno, inner))
                visit(child, inner)

        visit(ast.parse(path.read_text(), str(path)), False)
    return out


MODULES = _modules()
IMPORTS = _imports(MODULES)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def test_the_reader_sees_the_package() -> None:
    assert "kataven_hub.wiring" in MODULES
    assert any(i.source == "kataven_hub.main" and i.target == "kataven_hub.wiring" for i in IMPORTS)
    assert any(i.in_function for i in IMPORTS if i.source == "kataven_hub.admin.cli")


def test_no_import_circle() -> None:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if i.target in MODULES and i.target != i.source:
            edges.setdefault(i.source, set()).add(i.target)
    assert _cycles(edges) == []


def test_no_function_level_import_outside_the_allowlist() -> None:
    def allowed(i: Import) -> bool:
        if i.source not in LAZY_ALLOWED:
            return False
        targets = LAZY_ALLOWED[i.source]
        return targets is None or i.target in targets

    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if i.in_function and not allowed(i)
    ]
    assert wrong == []


def test_core_imports_no_domain_module() -> None:
    core = f"{PACKAGE}.core"
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if (i.source == core or i.source.startswith(core + "."))
        and i.target != PACKAGE  # the package root: its version and location
        and not (i.target == core or i.target.startswith(core + "."))
    ]
    assert wrong == []
