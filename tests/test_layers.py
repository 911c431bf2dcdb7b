"""Layers point down: no module of app/ imports from a layer above its own.

Every import counts: module level, inside functions and under TYPE_CHECKING (a type a lower layer
needs from a higher one is a type in the wrong module). A new top-level module or package of
app/ must be placed in LAYERS, or the test fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# Top first. A unit may import from its own layer and from any layer below it.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("interface", frozenset({"cli", "api"})),
    (
        "application",
        frozenset({"batch", "batch_exec", "batch_ray", "batch_report", "kit", "evals", "services"}),
    ),
    ("pipeline", frozenset({"pipeline", "guard", "render"})),
    (
        "parts",
        frozenset(
            {
                "engines",
                "scoring",
                "corpus",
                "retrieve",
                "citing",
                "features",
                "offering",
                "redaction",
                "titles",
                "prompts",
                "documents",
            }
        ),
    ),
    (
        "foundation",
        frozenset(
            {
                "domain",
                "scores",
                "text",
                "config",
                "errors",
                "yamlio",
                "safety",
                "llm_build",
                "files",
            }
        ),
    ),
)
RANK = {unit: len(LAYERS) - i for i, (_, units) in enumerate(LAYERS) for unit in units}
LAYER = {unit: name for name, units in LAYERS for unit in units}


def unit_of(module: str) -> str | None:
    """`app.scoring.terms` -> `scoring`; `app` itself and non-app modules -> None."""
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    return parts[1]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
    return found


def upward_imports(root: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        source = unit_of(module_name(path, root))
        if source is None:
            continue
        for line, module in imported_modules(path, root):
            target = unit_of(module)
            if target is None or target == source:
                continue
            if RANK[target] > RANK[source]:
                where = path.relative_to(root.parent)
                problems.append(
                    f"{where}:{line}: {source} ({LAYER[source]}) imports {module} ({LAYER[target]})"
                )
    return problems


def app_units() -> set[str]:
    units = {p.stem for p in APP.glob("*.py") if p.stem != "__init__"}
    units |= {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    units |= {p.parent.name for p in APP.glob("*/*.py")}
    return units - {"__pycache__"}


def test_every_module_of_app_has_a_layer() -> None:
    unplaced = sorted(app_units() - set(RANK))
    assert not unplaced, f"place these in LAYERS in tests/test_layers.py: {unplaced}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    problems = upward_imports(APP)
    assert not problems, "upward imports:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("domain.py", "from app.scoring.scorecard import Scorer\n", "domain (foundation)"),
        ("engines/x.py", "from ..pipeline import Pipeline\n", "engines (parts)"),
        ("batch.py", "def f():\n    from app.cli import rewrite\n", "batch (application)"),
    ],
)
def test_an_upward_import_is_reported_with_its_file_and_line(
    tmp_path: Path, where: str, source: str, expected: str
) -> None:
    app = tmp_path / "app"
    path = app / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    (path.parent / "__init__.py").touch()
    problems = upward_imports(app)
    assert len(problems) == 1
    assert problems[0].startswith(f"app/{where}:")
    assert expected in problems[0]


def test_imports_down_or_within_a_layer_are_allowed(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "engines").mkdir(parents=True)
    (app / "engines" / "x.py").write_text(
        "from app.scoring import models\nfrom . import base\nfrom app.domain import Rewrite\n",
        encoding="utf-8",
    )
    assert upward_imports(app) == []
