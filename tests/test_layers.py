"""Which package may import which (``docs/architecture.md``): ``displacement`` (models,
selectors, services, reports, admin, tasks) never imports ``api``, which is built on it.

Read from the source with ``ast``, so an import inside a function counts as much as one at the
top of a module, and so does a module named by a string to ``import_module``/``import_string``."""

import ast
from pathlib import Path

import displacement

ROOT = Path(displacement.__file__).parent
DYNAMIC = {"import_module", "import_string", "__import__"}


def imported(source: str) -> set[str]:
    """The absolute modules ``source`` imports (relative imports stay in their package)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in DYNAMIC and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def forbidden(names: set[str], package: str = "api") -> set[str]:
    return {name for name in names if name == package or name.startswith(package + ".")}


def test_the_walk_finds_every_way_of_importing_api():
    source = (
        "import api\nimport api.models as keys\nfrom api.csv import COLUMNS\n"
        "def later():\n    from api import filters\n    importlib.import_module('api.sync')\n"
        "from apis import x\nfrom displacement.api_like import y\n"
    )
    assert forbidden(imported(source)) == {"api", "api.models", "api.csv", "api.sync"}


def test_displacement_imports_nothing_from_api():
    modules = sorted(ROOT.rglob("*.py"))
    assert len(modules) > 100  # the walk reads the package (a wrong root tests nothing)
    found = {
        str(path.relative_to(ROOT.parent)): sorted(forbidden(imported(path.read_text())))
        for path in modules
        if forbidden(imported(path.read_text()))
    }
    assert found == {}
