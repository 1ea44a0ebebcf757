"""The house's plan holds: imports point one way, down the layers ARCHITECTURE.md draws, with no circles.

Every import is read from the source (top-level and inside functions alike), so a lazy import that
runs back up a layer is caught as surely as one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Each layer, lowest first, and the module prefixes in it. A module may import its own package and
#: any layer below its own; never one above, and never a sibling layer beside it (cli and ui).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("vocabulary", ("graph.schema", "graph.bases", "graph.errors")),
    ("data", ("graph.data",)),
    ("analysis", ("graph.analysis",)),
    ("formats", ("graph.formats",)),
    ("picture", ("graph.picture",)),
    ("interfaces", ("graph.cli", "ui")),
    ("benchmark", ("bench",)),
    ("app", ("app",)),
]
#: Layers whose parts may not import each other (the command line and the app's panels); in the
#: others, a part may use another of its layer (the schema reads the bases).
SIBLINGS_APART = {"interfaces"}
#: The one module under graph/ whose whole job is the Streamlit component.
STREAMLIT_IN_GRAPH = {"graph.picture.component"}


def layer_of(module: str) -> tuple[int, str]:
    """(rank, prefix) of the layer a module belongs to (graph/__init__.py, which only names the
    package, counts as the vocabulary; graph/__main__.py as the command line)."""
    if module == "graph":
        return 0, "graph"
    if module == "graph.__main__":  # ``python -m graph``: the command line's way in
        module = "graph.cli"
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                return rank, prefix
    raise KeyError(module)


def modules_of(root: Path) -> dict[str, Path]:
    """Every module of the house: graph/, ui/, bench/ and app.py."""
    found = {"app": root / "app.py"}
    for top in ("graph", "ui", "bench"):
        for path in sorted((root / top).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(source: str, module: str, known: set[str]) -> set[str]:
    """The house's modules that ``source`` imports, anywhere in it (top-level or in a function)."""
    package = module if module in known and _is_package(module, known) else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _deepest_known(name, known)
            if target and target != module:
                found.add(target)
    return found


def _is_package(module: str, known: set[str]) -> bool:
    return any(other.startswith(module + ".") for other in known)


def _deepest_known(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    modules = modules_of(root)
    known = set(modules)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in modules.items():
        for target in imports_of(path.read_text(encoding="utf-8"), module, known):
            graph.add_edge(module, target)
    return graph


def upward_imports(graph: nx.DiGraph) -> list[str]:
    """Each import that runs up a layer, or across to a sibling layer, as a sentence."""
    found = []
    for importer, imported in sorted(graph.edges):
        (rank_from, prefix_from), (rank_to, prefix_to) = layer_of(importer), layer_of(imported)
        if imported.startswith("graph") and not importer.startswith(("graph", "ui", "bench", "app")):
            continue
        apart = LAYERS[rank_from][0] in SIBLINGS_APART and prefix_to != prefix_from
        if rank_to > rank_from or (rank_to == rank_from and apart):
            found.append(
                f"{importer} ({LAYERS[rank_from][0]}) imports {imported} ({LAYERS[rank_to][0]}): "
                "a layer may import only its own package and the layers below it"
            )
    return found


def circles(graph: nx.DiGraph) -> list[list[str]]:
    return [sorted(cycle) for cycle in nx.simple_cycles(graph)]


# ---- the checks, on a tiny made-up house first (so they can fail), then on this one


def _tiny_house(tmp_path: Path, files: dict[str, str]) -> nx.DiGraph:
    (tmp_path / "app.py").write_text(files.pop("app.py", ""))
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    for package in ("graph", "graph/data", "graph/picture", "ui", "bench"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return import_graph(tmp_path)


def test_an_import_from_a_higher_layer_is_reported_even_inside_a_function(tmp_path):
    graph = _tiny_house(
        tmp_path,
        {
            "graph/data/store.py": "def f():\n    from graph.picture import view\n",
            "graph/picture/view.py": "from graph.data.store import f\n",
        },
    )
    assert upward_imports(graph) == [
        "graph.data.store (data) imports graph.picture.view (picture): "
        "a layer may import only its own package and the layers below it"
    ]
    assert circles(graph) == [["graph.data.store", "graph.picture.view"]]


def test_the_cli_and_the_app_panels_may_not_import_each_other(tmp_path):
    graph = _tiny_house(tmp_path, {"graph/cli/main.py": "import ui.data\n", "ui/data.py": "", "graph/cli/__init__.py": ""})
    assert [line.split(":")[0] for line in upward_imports(graph)] == [
        "graph.cli.main (interfaces) imports ui.data (interfaces)"
    ]


def test_nothing_imports_from_a_layer_above_it():
    assert upward_imports(import_graph()) == []


def test_no_modules_import_each_other_in_a_circle():
    assert circles(import_graph()) == []


def test_only_the_component_module_under_graph_imports_streamlit():
    importers = set()
    for module, path in modules_of(ROOT).items():
        if module.startswith("graph"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
                    importers.add(module)
    assert importers <= STREAMLIT_IN_GRAPH


def test_at_most_eight_modules_lie_loose_at_the_top_of_graph():
    loose = sorted(p.name for p in (ROOT / "graph").glob("*.py"))
    assert len(loose) <= 8, loose


@pytest.mark.parametrize(("top", "pattern"), [("graph", "*.py"), ("ui", "*.py"), ("bench", "*.py"), ("static", "kg-*.js")])
def test_no_module_is_over_six_hundred_lines(top, pattern):
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / top).rglob(pattern)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_architecture_md_names_every_layer_and_folder():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for name, prefixes in LAYERS:
        assert name in text
        for prefix in prefixes:
            assert f"`{prefix.replace('.', '/')}" in text, prefix
