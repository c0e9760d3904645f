"""Bench data for labs: the demo college (its three labs, 59 devices, a term of incidents) plus
twelve more labs of four PCs, each with its own agent account and token (one per lab, as in
production; each load run uses one lab's token, well under its per-minute limit)."""

import json
import sys

from bench.harness import ROOT
from bench.steps import step

LABS_TOKEN_FILE = ROOT / "var" / "bench-labs-tokens.json"
BENCH_LABS = 12
PCS_PER_LAB = 4


@step("labs")
def labs() -> None:
    from liaison.accounts.models import Department, User
    from liaison.demo.seed import seed_demo
    from liaison.labs import services
    from liaison.labs.models import Asset
    from liaison.places.models import Building, Room

    seed_demo(lambda msg: print(f"# {msg}", file=sys.stderr))
    it = User.objects.get(username="it")
    building, _ = Building.objects.get_or_create(code="bench", defaults={"name": "Bench Hall"})
    model = services.asset_model_get_or_create(
        maker=services.maker_get_or_create(name="Dell"), name="OptiPlex 7010", kind="workstation"
    )
    owner = Department.objects.get(code="it")
    tokens = []
    for n in range(BENCH_LABS):
        room, _ = Room.objects.get_or_create(building=building, name=f"Bench Lab {n:02d}", defaults={"kind": "lab"})
        tags = []
        for p in range(PCS_PER_LAB):
            tag = f"BENCH-{n:02d}-{p:02d}"
            if not Asset.objects.filter(tag=tag).exists():
                services.asset_create(actor=it, tag=tag, model=model, room=room, owner=owner)
            tags.append(tag)
        _agent, token = services.lab_agent_account_create(actor=None, room=room)
        tokens.append({"token": token, "tags": tags})
    LABS_TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    LABS_TOKEN_FILE.write_text(json.dumps(tokens))
