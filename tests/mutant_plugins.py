"""Under `make mutation`, the bundled plugins are tested as mutmut changed them.

mutmut copies the tree into `mutants/`, changes one function at a time and puts `mutants/` first
on `sys.path`, so `import intranet` finds the changed core. The plugins are different: the
editable install maps each import package `intranet_<name>` to the original `plugins/<name>/`,
so the tests ran the unchanged plugin code and mutmut recorded "no tests" for every plugin mutant.

While mutmut runs (MUTANT_UNDER_TEST is set), this finder answers `intranet_<name>[.module]`
with the module loaded from `mutants/plugins/<name>/` under the name mutmut gives it
(`plugins.<name>[.module]`): each module is loaded once, under both names, and mutmut's switch
compares the function's module with the mutant's name.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import intranet


class MutantPlugins(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, plugins_folder: Path) -> None:
        self.plugins_folder = plugins_folder

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        head, _, _ = fullname.partition(".")
        name = head.removeprefix("intranet_")
        if name == head or not (self.plugins_folder / name).is_dir():
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module("plugins." + spec.name.removeprefix("intranet_"))

    def exec_module(self, module: ModuleType) -> None:
        """The module was loaded by `create_module`, under its mutmut name."""


def install() -> None:
    """Put the finder first when mutmut runs the tests on its copy of the tree."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    plugins_folder = Path(intranet.__file__).resolve().parent.parent / "plugins"
    if plugins_folder.parent.name == "mutants":
        sys.meta_path.insert(0, MutantPlugins(plugins_folder))
