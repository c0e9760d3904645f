"""Data set-up for benchmarks, run in a Django process against the bench database:
`python -m bench.prepare foundation [more steps]`. Steps are registered by bench modules."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from bench.steps import STEPS, step  # noqa: E402  (after django.setup())


@step("foundation")
def foundation() -> None:
    from liaison.demo.seed import seed_foundation

    seed_foundation(lambda msg: print(f"# {msg}", file=sys.stderr))


def _load_modules() -> None:
    import importlib
    import pkgutil

    import bench

    for module in pkgutil.iter_modules(bench.__path__):
        if module.name.startswith("prepare_"):
            importlib.import_module(f"bench.{module.name}")


if __name__ == "__main__":
    _load_modules()
    for name in sys.argv[1:]:
        if name in STEPS:  # modules without data needs have no step
            STEPS[name]()
