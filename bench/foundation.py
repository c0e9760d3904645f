"""The floor: a bare view (one indexed read, no template) and the signed-in home page.
Later benchmarks are read as ratios against the floor."""

from bench.harness import Server, emit, load, note

FLOOR_PATH = "/healthz"


def measure_floor(server: Server, requests: int = 3000):
    return load(server, FLOOR_PATH, requests=requests, concurrency=4)


def run(server: Server) -> dict[str, float]:
    floor = measure_floor(server)
    emit("floor_rps", floor.rps, "req/s")
    emit("floor_p95_ms", floor.p95_ms, "ms")
    headers = server.sign_in("library", "liaison-demo")
    home = load(server, "/home/", requests=1500, concurrency=4, headers={"Cookie": headers["Cookie"]})
    emit("home_rps", home.rps, "req/s")
    emit("home_p95_ms", home.p95_ms, "ms")
    note(f"floor median {floor.median_ms:.1f} ms; home median {home.median_ms:.1f} ms")
    return {"floor_rps": floor.rps}
