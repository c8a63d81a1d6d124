"""Each demo builder imports only the builders that load before it (demo.loader.BUILDERS,
after demo.cadre); that no domain app imports the demo is part of tests/test_layers.py."""

import ast
from pathlib import Path

from django.conf import settings

from demo import loader

ROOT = Path(settings.BASE_DIR)


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_builders_import_only_the_builders_before_them():
    order = ["demo.cadre", *(builder.__module__ for builder in loader.BUILDERS)]
    for index, module in enumerate(order):
        later = {*order[index + 1 :], "demo.loader"}
        assert not later & imported_modules(ROOT / f"{module.replace('.', '/')}.py"), module
