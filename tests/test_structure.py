"""The layout's promises, read from the source: who may import whom.

- the product (archiver/, storage/) never imports the offline world, except the CLI, which is
  where `--offline` plugs it in;
- storage/ imports nothing from archiver/;
- no import cycle, between modules or between the rooms (discovery, platforms, capture, ...).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("archiver", "storage", "offline_world")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every module of ours that `name` imports, wherever the import stands (a function body, a
    TYPE_CHECKING block): `from pkg import submodule` names the submodule, not the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [sub for sub in subs if sub in MODULES] or [base]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in PACKAGES and target != name:
                while target not in MODULES and "." in target:
                    target = target.rpartition(".")[0]
                yield target


GRAPH = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph`, as the list of its nodes, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _room(module: str) -> str:
    """archiver.discovery.find -> archiver.discovery; archiver.cli -> archiver.cli."""
    parts = module.split(".")
    if parts[0] != "archiver":
        return parts[0]
    if len(parts) > 2 or (ROOT / "archiver" / parts[-1]).is_dir():
        return ".".join(parts[:2])
    return module


def test_the_graph_is_read() -> None:
    assert "archiver.flows.archive" in GRAPH["archiver.cli"]
    assert "storage" in GRAPH["archiver.flows.archive"]


def test_the_product_never_imports_the_offline_world() -> None:
    importers = sorted(
        name
        for name, targets in GRAPH.items()
        if not name.startswith("offline_world") and any(t.startswith("offline_world") for t in targets)
    )
    assert importers == ["archiver.cli"]


def test_storage_imports_nothing_from_archiver() -> None:
    leaks = {(name, t) for name, ts in GRAPH.items() if name.startswith("storage") for t in ts}
    assert {(name, t) for name, t in leaks if t.startswith("archiver")} == set()


def test_no_module_imports_itself_back() -> None:
    assert _cycle(GRAPH) is None


@pytest.mark.parametrize("package", ["archiver"])
def test_no_room_imports_itself_back(package: str) -> None:
    rooms: dict[str, set[str]] = {}
    for name, targets in GRAPH.items():
        if name.startswith(package):
            rooms.setdefault(_room(name), set()).update(
                _room(t) for t in targets if t.startswith(package) and _room(t) != _room(name)
            )
    assert _cycle(rooms) is None


def test_data_flows_one_way_from_the_cli_through_the_flows() -> None:
    """cli -> flows -> (discovery, platforms, capture, outputs) -> storage: nothing below the
    flows imports them (or the CLI)."""
    upward = sorted(
        (name, t)
        for name, targets in GRAPH.items()
        if name.startswith(
            ("archiver.discovery", "archiver.platforms", "archiver.capture", "archiver.outputs")
        )
        for t in targets
        if t.startswith(("archiver.flows", "archiver.cli", "archiver.console"))
    )
    assert upward == []
