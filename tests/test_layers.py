"""Dependencies point one way: an app imports only the apps below it. Apps higher up
react to the ones below through domain events (cadre.events) and extension points
(cadre.sections, the importer registry), never the other way round."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. An app may import itself and anything before it in this list.
LAYERS = [
    "common",
    "org",
    "accounts",
    "imports",
    "cadre",
    "mentorship",
    "assessment",
    "training",
    "subsidies",
    "reports",
    "demo",
]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


@pytest.mark.parametrize("app", [app for app in LAYERS if (ROOT / app).is_dir()])
def test_an_app_imports_only_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    upward = {
        f"{path.relative_to(ROOT)} → {name}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for name in _imported_apps(path) - allowed
    }
    assert not upward, "imports that point upward:\n" + "\n".join(sorted(upward))
