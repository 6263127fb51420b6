"""Reading built layer folders: their size, distributions, wheel tags, and the modules a module imports."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator, Sequence
from email.parser import Parser
from pathlib import Path


def unzipped_size(folder: Path) -> int:
    """What Lambda counts against its 250 MB limit: the bytes of every file, uncompressed."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def wheel_tags(dist_info: Path) -> tuple[bool, tuple[str, ...]]:
    """(Root-Is-Purelib, Tag values) of a distribution's WHEEL file."""
    wheel = Parser().parsestr((dist_info / "WHEEL").read_text(encoding="utf-8"))
    return wheel.get("Root-Is-Purelib", "").lower() == "true", tuple(wheel.get_all("Tag") or ())


def files(folder: Path) -> Iterator[Path]:
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def module_file(python_dir: Path, module: str, extension_suffix: str) -> Path | None:
    """The file that `import module` loads from `python_dir` (package, module or extension), if any."""
    path = python_dir.joinpath(*module.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py"), path.with_name(path.name + extension_suffix)):
        if candidate.is_file():
            return candidate
    return None


def _required_try(statement: ast.Try) -> bool:
    """A try block whose every handler re-raises: its imports are required, not optional."""
    return bool(statement.handlers) and all(
        handler.body and isinstance(handler.body[-1], ast.Raise) for handler in statement.handlers
    )


def _imported(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """(name, must be a module) of what the module's top-level statements import: what loading it runs."""
    package = module if is_package else module.rpartition(".")[0]
    statements = list(tree.body)
    while statements:
        statement = statements.pop()
        if isinstance(statement, ast.Try) and _required_try(statement):
            statements.extend(statement.body)
        elif isinstance(statement, ast.Import):
            yield from ((alias.name, True) for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            if statement.level:
                parent = package.rsplit(".", statement.level - 1)[0] if statement.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield base, True
            # `from package import name`: a submodule, or just an attribute of the package
            yield from ((f"{base}.{alias.name}", False) for alias in statement.names if alias.name != "*")


def _inside_plain_module(python_dirs: Sequence[Path], module: str, extension_suffix: str) -> bool:
    """`a.b` where `a` is a module, not a package: an attribute or a virtual module (`six.moves`)."""
    parent = module.rpartition(".")[0]
    paths = (module_file(d, parent, extension_suffix) for d in python_dirs) if parent else ()
    return any(path is not None and path.name != "__init__.py" for path in paths)


def import_closure(
    python_dirs: Sequence[Path], roots: Iterable[str], extension_suffix: str
) -> tuple[set[str], set[str]]:
    """(found, missing) non-stdlib modules that importing the roots loads, looked up in `python_dirs`.

    Follows the top-level (and required-try) imports of .py sources; extension modules are
    found but not followed (their imports are compiled in). Imports inside functions (lazy)
    are not seen: name those modules as roots.
    """
    found: set[str] = set()
    missing: set[str] = set()
    pending = [(root, True) for root in roots]
    while pending:
        module, must_be_module = pending.pop()
        if module in found or module.split(".")[0] in sys.stdlib_module_names or module == "__future__":
            continue
        path = next((p for d in python_dirs if (p := module_file(d, module, extension_suffix))), None)
        if path is None:
            if must_be_module and not _inside_plain_module(python_dirs, module, extension_suffix):
                missing.add(module)
            continue
        found.add(module)
        if path.suffix == ".py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            pending.extend(_imported(tree, module, path.name == "__init__.py"))
    return found, missing


__all__ = ["files", "import_closure", "module_file", "unzipped_size", "wheel_tags"]
