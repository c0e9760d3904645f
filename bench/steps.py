"""The registry of data set-up steps that bench.prepare runs (kept free of Django imports)."""

STEPS = {}


def step(name):
    def register(fn):
        STEPS[name] = fn
        return fn

    return register
