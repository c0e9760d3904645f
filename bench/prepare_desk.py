"""Bench data for the desk: the demo college with a term of traffic, and an API token."""

import sys

from bench.harness import DESK_TOKEN_FILE as TOKEN_FILE
from bench.steps import step


@step("desk")
def desk() -> None:
    from liaison.accounts.models import User
    from liaison.accounts.services import api_token_create
    from liaison.demo.seed import seed_demo

    seed_demo(lambda msg: print(f"# {msg}", file=sys.stderr))
    _, plain = api_token_create(actor=User.objects.get(username="library"), name="bench desk")
    TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    TOKEN_FILE.write_text(plain)
