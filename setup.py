"""Packages: the core; the core's migrations, the folder `migrations/` installed as the
import package `intranet_core_migrations`; and each bundled plugin's folder `plugins/<name>/`
installed as an import package of its own, `intranet_<name>`. The repository keeps its layout
and the wheel adds no generic top-level name such as `plugins` or `migrations`. Metadata,
dependencies and entry points are in setup.cfg."""

from setuptools import find_packages, setup

BUNDLED = ("governance", "lessons", "meetings", "partners", "subgroups")

setup(
    package_dir={
        "intranet_core_migrations": "migrations",
        **{f"intranet_{name}": f"plugins/{name}" for name in BUNDLED},
    },
    packages=[
        *find_packages(include=["intranet", "intranet.*"]),
        "intranet_core_migrations",
        *(
            f"intranet_{name}{suffix}"
            for name in BUNDLED
            for suffix in [
                "",
                *(
                    f".{sub}"
                    for sub in find_packages(f"plugins/{name}", exclude=["tests", "tests.*"])
                ),
            ]
        ),
    ],
)
