"""`make bench`: every benchmark against one fresh PostgreSQL database under gunicorn.

    python -m bench.run                 # all
    python -m bench.run foundation      # only some modules

Prints one figure per line as `name value unit` on stdout; progress notes go to stderr."""

import importlib
import os
import sys

from bench.harness import Server, note

MODULES = [
    "foundation",
    "desk",
    "tickets",
    "reports",
    "software",
    "labs",
    "imports",
    "staffing",
    "insights",
]  # modules after the first read the floor figure it returns


def main(selected: list[str]) -> None:
    modules = [m for m in MODULES if not selected or m in selected]
    # A shared machine: BENCH_DB (or BENCH_DB_NAME) and BENCH_PORT keep two runs from dropping each other's database.
    db_name = os.environ.get("BENCH_DB", os.environ.get("BENCH_DB_NAME", "liaison_bench"))
    port = int(os.environ.get("BENCH_PORT", "8765"))
    with Server(db_name=db_name, port=port) as server:
        server.prepare("foundation", *[m for m in modules if m != "foundation"])
        server.start()
        context: dict[str, float] = {}
        for name in modules:
            note(f"running bench.{name}")
            module = importlib.import_module(f"bench.{name}")
            context.update(module.run(server, **({"context": context} if name != "foundation" else {})) or {})


if __name__ == "__main__":
    main(sys.argv[1:])
