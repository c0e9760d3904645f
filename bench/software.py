"""The course software gap matrix at 5,000 titles and 300 courses (issue 14: a constant number of
queries, rendered in under 300 ms). Measured in the Django process through the real view; the
data is loaded by bench/prepare_software.py."""

from bench.harness import Server


def run(server: Server, context: dict) -> dict:
    server.prepare("software_matrix")
    return {}
