"""The package's layers, read from its source: no import cycle, and a core free of adapters."""

import ast
from pathlib import Path

import backcare_tray

PACKAGE = "backcare_tray"
ADAPTERS = f"{PACKAGE}.adapters"

# The modules that are not the pure core, with why. Everything else of the package outside
# adapters/ (sub-packages included, such as a future engine/) is core and imports no adapter.
NOT_CORE = {
    f"{PACKAGE}.__main__": "the entry point of `python -m`: wiring",
    f"{PACKAGE}.daemon": "wires the core to the adapters it is handed",
    f"{PACKAGE}.cli": "the command line: starts the daemon with the real adapters (also cli/*)",
    f"{PACKAGE}.doctor": "asks every adapter what this desktop offers",
    f"{PACKAGE}.coach": "the coach window, a Tk program of its own: sends commands like the CLI",
    f"{PACKAGE}.window": "the settings, progress and stretches window, a Tk program of its own",
    f"{PACKAGE}.autostart": "an adapter by nature: writes the session's autostart entries",
    f"{PACKAGE}.chart": "an adapter by nature: draws and saves a chart with matplotlib",
    f"{PACKAGE}.art": "an adapter by nature: draws the tray's pictures with Pillow",
    f"{PACKAGE}.figure": "an adapter by nature: draws the stretches' pictures with Pillow",
    f"{PACKAGE}.sheet": "an adapter by nature: draws and saves a printable sheet with Pillow",
}

# The only modules that may import tkinter: the windows' processes, never the daemon's.
TKINTER_IMPORTERS = {
    f"{PACKAGE}.coach.window",
    f"{PACKAGE}.coach.__main__",
    f"{PACKAGE}.window.__main__",
    *(
        f"{PACKAGE}.window.{page}"
        for page in ("app", "host", "look", "settings_page", "progress_page", "stretches_page")
    ),
}

# Cycles found in modules this test does not own, to be broken; each entry is the set of
# modules of one cycle. It is meant to be empty: an entry that no longer matches fails too.
KNOWN_CYCLES: list[frozenset[str]] = []
# Core modules known to import an adapter, to be fixed: (core module, adapter module).
KNOWN_CORE_IMPORTS: set[tuple[str, str]] = set()

Graph = dict[str, set[str]]


def package_modules() -> dict[str, Path]:
    """Return every module of the installed package: dotted name -> source file."""
    root = Path(backcare_tray.__file__).parent
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph() -> Graph:
    """Return the imports between the package's own modules: module -> modules it imports."""
    modules = package_modules()
    return {module: _resolve(module, path, modules) for module, path in modules.items()}


def _resolve(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the project modules one module imports, each import resolved to its module."""
    # `from a import b` is an edge to a.b when b is a module, else to a. Importing a.b also
    # runs a's __init__, but that is no edge here: a package's __init__ importing its own
    # modules is the usual shape (adapters/notifications/); a module importing its package
    # back is an edge, and so a cycle.
    targets = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _longest_module(alias.name, modules)
                if found is not None:
                    targets.add(found)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute_base(module, path, node)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    targets.add(f"{base}.{alias.name}")
                elif base in modules:
                    targets.add(base)
    return targets - {module}


def _absolute_base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """Return the absolute module a `from ... import` reads from."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    anchor = package[: len(package) - node.level + 1]
    return ".".join([*anchor, node.module] if node.module else anchor)


def _longest_module(name: str, modules: dict[str, Path]) -> str | None:
    """Return the longest prefix of a dotted name that is a module of the package."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in modules:
            return prefix
    return None


def cycles(graph: Graph) -> list[list[str]]:
    """Return one cycle (its modules in import order, the first again at the end) per knot."""
    found = []
    for knot in strongly_connected(graph):
        if len(knot) > 1:
            found.append(_cycle_through(min(knot), knot, graph))
    return sorted(found)


def strongly_connected(graph: Graph) -> list[set[str]]:
    """Return the strongly connected components of the graph (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def _cycle_through(start: str, knot: set[str], graph: Graph) -> list[str]:
    """Return a shortest path from start back to itself inside one knot (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & knot):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(knot)}")


def is_core(module: str) -> bool:
    """Return True for a module of the pure core (see NOT_CORE)."""
    if module == ADAPTERS or module.startswith(f"{ADAPTERS}."):
        return False
    return not any(module == name or module.startswith(f"{name}.") for name in NOT_CORE)


def test_the_graph_sees_every_kind_of_import() -> None:
    """Imports at the top, in functions and under TYPE_CHECKING all count, resolved to modules."""
    graph = import_graph()
    idle = f"{ADAPTERS}.idle"
    assert f"{idle}.base" in graph[f"{idle}.x11"]  # at the top
    assert f"{ADAPTERS}.x11_wire" in graph[f"{idle}.x11"]  # in a function and TYPE_CHECKING
    assert f"{idle}.wayland" in graph[idle]  # in a function (the registry's factories)
    assert f"{PACKAGE}.engine" in graph[f"{PACKAGE}.daemon"]  # `from backcare_tray import engine`
    assert PACKAGE in graph[f"{PACKAGE}.cli.parser"]  # `from backcare_tray import __version__`


def test_the_cycle_finder_finds_a_knot_and_names_its_path() -> None:
    """A made-up graph: the two-module and three-module knots are found, the chain is not."""
    graph: Graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert cycles(graph) == [["a", "b", "a"], ["c", "d", "e", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_anywhere_in_the_package() -> None:
    """No module imports itself through others, wherever the import sits."""
    found = cycles(import_graph())
    new = [cycle for cycle in found if frozenset(cycle) not in KNOWN_CYCLES]
    stale = [known for known in KNOWN_CYCLES if known not in {frozenset(c) for c in found}]
    assert not new, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in new)
    assert not stale, f"KNOWN_CYCLES lists cycles that are gone: {stale}"


def test_the_core_imports_no_adapter() -> None:
    """The pure core reaches the adapters only through what the wiring hands it."""
    graph = import_graph()
    core = sorted(module for module in graph if is_core(module))
    assert f"{PACKAGE}.engine" in core and f"{PACKAGE}.daemon" not in core
    found = {
        (module, target)
        for module in core
        for target in graph[module]
        if target == ADAPTERS or target.startswith(f"{ADAPTERS}.")
    }
    new = sorted(found - KNOWN_CORE_IMPORTS)
    assert not new, "core modules importing adapters:\n" + "\n".join(
        f"{module} -> {target}" for module, target in new
    )
    assert not KNOWN_CORE_IMPORTS - found, "KNOWN_CORE_IMPORTS lists imports that are gone"


def outside_imports(path: Path) -> set[str]:
    """Return the top-level names of every module a source file imports, wherever it sits."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_windows_import_tkinter() -> None:
    """Only the windows' own processes import tkinter: no module the daemon loads."""
    found = {
        module
        for module, path in package_modules().items()
        if outside_imports(path) & {"tkinter", "_tkinter"}
    }
    assert found == TKINTER_IMPORTERS


# What changes the user's files, with tomlkit: the window's process and the command line only.
NOT_IN_DAEMON = {
    f"{ADAPTERS}.config_edit",
    f"{ADAPTERS}.stretch_import",
    f"{PACKAGE}.stretch_share",
}
# Where the daemon's process starts: the run command, the daemon and the adapters it is handed.
DAEMON_STARTS = [f"{PACKAGE}.cli.run", f"{PACKAGE}.daemon", f"{ADAPTERS}.kit"]


def reachable(graph: Graph, starts: list[str]) -> set[str]:
    """Return every module that the starts import, however indirectly (and the starts)."""
    seen: set[str] = set()
    waiting = list(starts)
    while waiting:
        module = waiting.pop()
        if module not in seen:
            seen.add(module)
            waiting.extend(graph[module])
    return seen


def test_the_daemon_never_imports_tomlkit_or_the_stretch_files() -> None:
    """No import the daemon can reach, at the top or in a function, loads tomlkit or them."""
    graph = import_graph()
    reached = reachable(graph, DAEMON_STARTS)
    assert f"{ADAPTERS}.control" in reached  # the graph does reach the daemon's adapters
    assert not reached & NOT_IN_DAEMON
    modules = package_modules()
    assert [m for m in sorted(reached) if "tomlkit" in outside_imports(modules[m])] == []
    assert "tomlkit" in outside_imports(modules[f"{ADAPTERS}.config_edit"])


def test_the_daemon_never_imports_babel_or_the_template() -> None:
    """Babel is for making catalogs (the build, make messages): the daemon reads them itself."""
    graph = import_graph()
    reached = reachable(graph, DAEMON_STARTS)
    assert f"{PACKAGE}.catalog_file" in reached  # the graph does reach the catalog reader
    assert f"{PACKAGE}.messages" not in reached
    modules = package_modules()
    assert [m for m in sorted(reached) if "babel" in outside_imports(modules[m])] == []
    assert "babel" in outside_imports(modules[f"{PACKAGE}.messages"])
