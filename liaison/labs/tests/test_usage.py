"""Usage from the workstation agent: the ingest API with a lab's token, sessions that are
stored once, heartbeats that turn the board, and bad input that is named, never a 500."""

import datetime as dt
import importlib.util
import json
import os
import pathlib
import uuid

import pytest
from django.utils import timezone

from liaison.core.roles import Role
from liaison.labs import selectors, services
from liaison.labs.models import UsageSession, WorkstationPresence

URL = "/api/v1/labs/agent/events"


@pytest.fixture
def agent_token(rooms):
    _agent, token = services.lab_agent_account_create(actor=None, room=rooms["commons"])
    return token


def post(client, token, events, **extra):
    return client.post(URL, {"events": events}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}", **extra)  # fmt: skip


def event(kind, tag="LIB-PC-110-01", at=None, **extra):
    at = at or timezone.now()
    return {"id": str(uuid.uuid4()), "kind": kind, "workstation": tag, "at": at.isoformat(), **extra}


def board_state(tag, now=None):
    board = selectors.status_board(now=now or timezone.now())
    return next(d["state"] for lab in board["labs"] for d in lab["computers"] if d["tag"] == tag)


def test_sign_in_heartbeat_sign_out_move_the_board(client, pc, agent_token):
    assert board_state(pc.tag) == "no_signal"
    sign_in = event("sign_in")
    answer = post(client, agent_token, [sign_in, event("heartbeat")])
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 2
    assert board_state(pc.tag) == "in_use"
    post(client, agent_token, [event("sign_out", session=sign_in["id"])])
    assert board_state(pc.tag) == "free"
    session = UsageSession.objects.get()
    assert session.ended_at is not None and str(session.client_id) == sign_in["id"]
    post(client, agent_token, [event("shutdown")])
    assert board_state(pc.tag) == "off"


def test_a_resent_sign_in_is_stored_once(client, pc, agent_token):
    sign_in = event("sign_in")
    for _ in range(3):
        assert post(client, agent_token, [sign_in]).json()["accepted"] == [sign_in["id"]]
    assert UsageSession.objects.count() == 1


def test_three_missed_heartbeats_turn_no_signal(client, pc, agent_token):
    post(client, agent_token, [event("heartbeat")])
    assert board_state(pc.tag) == "free"
    assert board_state(pc.tag, now=timezone.now() + dt.timedelta(seconds=170)) == "free"
    assert board_state(pc.tag, now=timezone.now() + dt.timedelta(seconds=181)) == "no_signal"


def test_bad_events_are_named_one_by_one_and_the_good_ones_kept(client, pc, agent_token, make_asset):
    other_lab_pc = make_asset("pc", room="media", tag="LIB-PC-204-01")
    good = event("heartbeat")
    answer = post(client, agent_token, [
        good,
        event("heartbeat", at=timezone.now() + dt.timedelta(hours=3)),
        event("dance"),
        event("heartbeat", tag="NOPE"),
        event("heartbeat", tag=other_lab_pc.tag),  # not this agent's lab
        event("sign_out", session=str(uuid.uuid4())),
    ]).json()  # fmt: skip
    assert answer["accepted"] == [good["id"]]
    codes = sorted(r["code"] for r in answer["rejected"])
    assert codes == sorted(["labs.clock_off", "labs.event_kind_unknown", "labs.workstation_unknown",
                            "labs.workstation_unknown", "labs.session_unknown"])  # fmt: skip
    assert not WorkstationPresence.objects.filter(asset=other_lab_pc).exists()


def test_a_wrong_token_is_401_and_another_role_is_refused(client, pc, users):
    assert post(client, "lsn_abcd_wrong", [event("heartbeat")]).status_code == 401
    client.force_login(users[Role.LIBRARY_STAFF])
    assert client.post(URL, {"events": [event("heartbeat")]}, content_type="application/json").status_code == 403


def test_malformed_bodies_are_400_not_500(client, pc, agent_token):
    for body in ('{"events": "x"}', "not json", '{"events": [{"id": "nope"}]}', "{}"):
        response = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
        assert response.status_code == 400, body


def test_a_flood_of_heartbeats_is_429(client, pc, agent_token, monkeypatch):
    monkeypatch.setattr(services, "AGENT_REQUESTS_PER_MINUTE", 3)
    codes = [post(client, agent_token, [event("heartbeat")]).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_without_redis_a_heartbeat_is_one_update(client, pc, agent_token, django_assert_max_num_queries):
    post(client, agent_token, [event("heartbeat")])
    with django_assert_max_num_queries(4):  # the token, the agent's lab, the PC, one UPDATE
        assert post(client, agent_token, [event("heartbeat")]).status_code == 200
    assert WorkstationPresence.objects.get(asset=pc).last_seen_at is not None


def test_with_redis_a_heartbeat_reads_only_the_token_and_writes_nothing(
    client, pc, agent_token, django_assert_max_num_queries, settings
):
    settings.LIAISON_LABS_BUFFER_HEARTBEATS = True
    post(client, agent_token, [event("heartbeat")])
    assert board_state(pc.tag) == "free"  # the board reads the beat from the cache
    with django_assert_max_num_queries(1):  # the token (uncached here); the lab and its PCs come from the cache
        assert post(client, agent_token, [event("heartbeat")]).status_code == 200
    assert not WorkstationPresence.objects.filter(asset=pc).exists()
    assert services.heartbeats_flush() == 1  # the minute's flush carries it into the presence row
    assert WorkstationPresence.objects.get(asset=pc).last_seen_at is not None
    assert services.heartbeats_flush() == 0  # and never twice


@pytest.fixture
def shared_cache(settings):
    """The production shape with Redis: heartbeats buffered, verified tokens and the agent's lab
    remembered (one process's local cache stands in for the shared one)."""
    settings.LIAISON_LABS_BUFFER_HEARTBEATS = True
    settings.API_TOKEN_CACHE_SECONDS = 30


def test_with_everything_cached_a_heartbeat_touches_no_database(client, pc, agent_token, shared_cache,
                                                                django_assert_num_queries):  # fmt: skip
    assert post(client, agent_token, [event("heartbeat")]).status_code == 200
    with django_assert_num_queries(0):
        answer = post(client, agent_token, [event("heartbeat"), event("heartbeat")])
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 2
    assert board_state(pc.tag) == "free"


def test_a_revoked_token_is_refused_on_its_next_heartbeat(client, pc, rooms, users, shared_cache):
    from liaison.accounts.models import ApiToken
    from liaison.accounts.services import api_token_revoke

    agent, token = services.lab_agent_account_create(actor=None, room=rooms["commons"])
    assert post(client, token, [event("heartbeat")]).status_code == 200  # the token and the lab now cached
    api_token_revoke(actor=users[Role.ADMINISTRATOR], token=ApiToken.objects.get(user=agent.user))
    answer = post(client, token, [event("heartbeat")])
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"


def test_a_retagged_moved_retired_or_new_workstation_is_seen_on_the_next_heartbeat(
    client, pc, agent_token, users, make_asset, rooms, shared_cache
):
    it = users[Role.IT_STAFF]
    assert post(client, agent_token, [event("heartbeat")]).status_code == 200  # the lab's PCs now cached
    services.asset_update(actor=it, asset=pc, data={"tag": "LIB-PC-110-99"})
    answer = post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-99"), event("heartbeat")]).json()
    assert len(answer["accepted"]) == 1 and [r["code"] for r in answer["rejected"]] == ["labs.workstation_unknown"]
    new_pc = make_asset("pc", tag="LIB-PC-110-02")  # in the commons, the agent's lab
    assert post(client, agent_token, [event("heartbeat", tag=new_pc.tag)]).json()["rejected"] == []
    services.asset_update(actor=it, asset=new_pc, data={"room": rooms["media"]})
    services.asset_update(actor=it, asset=pc, data={"status": "retired"})
    answer = post(client, agent_token, [event("heartbeat", tag=new_pc.tag), event("heartbeat", tag=pc.tag)]).json()
    assert answer["accepted"] == [] and len(answer["rejected"]) == 2


def test_a_change_made_in_the_admin_is_seen_too(client, pc, agent_token, shared_cache):
    assert post(client, agent_token, [event("heartbeat")]).json()["rejected"] == []
    pc.tag = "LIB-PC-110-77"
    pc.save()  # what the admin's save does: no service, no event
    assert post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-77")]).json()["rejected"] == []


def test_cached_heartbeats_are_checked_as_before(client, pc, agent_token, make_asset, shared_cache):
    other_lab_pc = make_asset("pc", room="media", tag="LIB-PC-204-01")
    good = event("heartbeat")
    post(client, agent_token, [event("heartbeat")])
    answer = post(client, agent_token, [
        good,
        event("heartbeat", at=timezone.now() + dt.timedelta(hours=3)),
        event("heartbeat", at=timezone.now() - dt.timedelta(days=8)),
        event("heartbeat", tag="NOPE"),
        event("heartbeat", tag=other_lab_pc.tag),
    ]).json()  # fmt: skip
    assert answer["accepted"] == [good["id"]]
    assert sorted(r["code"] for r in answer["rejected"]) == ["labs.clock_off", "labs.clock_off",
                                                             "labs.workstation_unknown", "labs.workstation_unknown"]  # fmt: skip
    assert post(client, "lsn_abcd_wrong", [event("heartbeat")]).status_code == 401


def test_a_flood_of_cached_heartbeats_is_429(client, pc, agent_token, shared_cache, monkeypatch):
    monkeypatch.setattr(services, "AGENT_REQUESTS_PER_MINUTE", 3)
    codes = [post(client, agent_token, [event("heartbeat")]).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_sessions_stay_durable_rows_when_heartbeats_are_cached(client, pc, agent_token, shared_cache):
    post(client, agent_token, [event("heartbeat")])
    sign_in = event("sign_in")
    assert post(client, agent_token, [sign_in, event("heartbeat")]).json()["accepted"][0] == sign_in["id"]
    assert UsageSession.objects.filter(asset=pc, ended_at=None).count() == 1
    assert board_state(pc.tag) == "in_use"


REDIS_URL = os.environ.get("LIAISON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    """Django's Redis cache (its own key prefix), as production runs: the one-round-trip pipeline."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"labs-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "liaison.core.redis_cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix}}  # fmt: skip
    settings.LIAISON_LABS_BUFFER_HEARTBEATS = True
    settings.API_TOKEN_CACHE_SECONDS = 30
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):  # only this test's keys: the database may be shared
        client.delete(key)


def test_on_redis_a_heartbeat_is_checked_counted_and_kept_without_the_database(
    client, pc, agent_token, users, redis_cache, monkeypatch, django_assert_num_queries
):
    assert post(client, agent_token, [event("heartbeat")]).status_code == 200
    with django_assert_num_queries(0):
        answer = post(client, agent_token, [event("heartbeat"), event("heartbeat", tag="NOPE")]).json()
    assert len(answer["accepted"]) == 1 and answer["rejected"][0]["code"] == "labs.workstation_unknown"
    assert board_state(pc.tag) == "free"
    services.asset_update(actor=users[Role.IT_STAFF], asset=pc, data={"tag": "LIB-PC-110-42"})
    assert post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-42")]).json()["rejected"] == []
    monkeypatch.setattr(services, "AGENT_REQUESTS_PER_MINUTE", 3)
    monkeypatch.setattr(services, "_rate_key", lambda actor: f"labs:agent:{actor.pk}:this-minute")
    codes = [post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-42")]).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


@pytest.fixture
def redis_commands(monkeypatch):
    """The round trips to Redis, each named by its (first) command: a script is one EVALSHA."""
    from redis.connection import AbstractConnection

    sent: list[str] = []
    send = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        first = b"".join(command) if isinstance(command, list) else command
        sent.append(first.split(b"\r\n")[2].decode().upper())  # *N, $len, then the command's name
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


def _raw_redis():
    from liaison.core import redis_cache

    shared = redis_cache.shared()
    return shared, shared.primary()


def test_on_redis_a_warm_heartbeat_is_one_round_trip_and_moves_the_board(
    client, pc, agent_token, redis_cache, redis_commands, django_assert_num_queries
):
    sign_in = event("sign_in")
    assert post(client, agent_token, [sign_in]).json()["accepted"] == [sign_in["id"]]  # durable, as before
    assert UsageSession.objects.filter(asset=pc, ended_at=None).count() == 1
    post(client, agent_token, [event("heartbeat")])  # the script's connection opened (once a process)
    redis_commands.clear()
    with django_assert_num_queries(0):
        answer = post(client, agent_token, [event("heartbeat")])
    assert answer.status_code == 200 and len(answer.json()["accepted"]) == 1
    assert redis_commands == ["EVALSHA"]  # the token, the generation, the count and the beat at once
    assert answer["Cache-Control"] == "private, no-store"
    assert board_state(pc.tag) == "in_use"
    post(client, agent_token, [event("sign_out", session=sign_in["id"])])
    assert board_state(pc.tag) == "free"
    redis_commands.clear()
    late = timezone.now() + dt.timedelta(seconds=30)
    assert post(client, agent_token, [event("heartbeat", at=late)]).json()["rejected"] == []
    assert redis_commands == ["EVALSHA"]
    assert selectors.beats_for([pc.pk]) == {pc.pk: late}  # what the board and the minute's flush read


def test_on_redis_a_revoked_token_is_refused_at_once_by_every_process(
    client, pc, rooms, users, redis_cache, redis_commands
):
    from liaison.accounts.models import ApiToken
    from liaison.accounts.services import api_token_revoke, hash_token_secret

    agent, token = services.lab_agent_account_create(actor=None, room=rooms["commons"])
    assert post(client, token, [event("heartbeat")]).status_code == 200  # token and lab now known here
    assert post(client, token, [event("heartbeat")]).status_code == 200
    # Another worker revokes it: the row changes and the shared entry goes, while this process
    # still remembers the token. Only the script's check can refuse it now.
    ApiToken.objects.filter(user=agent.user).update(revoked_at=timezone.now())
    shared, raw = _raw_redis()
    raw.delete(shared.raw_key(f"apitoken:{hash_token_secret(token)}"))
    before = selectors.beats_for([pc.pk])
    answer = post(client, token, [event("heartbeat", at=timezone.now() + dt.timedelta(seconds=5))])
    assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated"
    assert selectors.beats_for([pc.pk]) == before  # nothing stored for a refused token
    assert post(client, token, [{"id": "not-a-uuid"}]).status_code == 401  # refused before its body is judged
    # Revoking through the service, in this process, is refused at once too.
    agent2, token2 = services.lab_agent_account_create(actor=None, room=rooms["media"])
    assert post(client, token2, [event("heartbeat", tag="NOPE")]).status_code == 200
    api_token_revoke(actor=users[Role.ADMINISTRATOR], token=ApiToken.objects.get(user=agent2.user))
    assert post(client, token2, [event("heartbeat", tag="NOPE")]).status_code == 401


def test_on_redis_a_device_saved_elsewhere_is_seen_by_the_one_round_trip(
    client, pc, agent_token, redis_cache, redis_commands
):
    assert post(client, agent_token, [event("heartbeat")]).json()["rejected"] == []  # lab now known here
    # Another worker retags the PC: the row changes and the generation moves on, while this
    # process still holds the old map. Only the script's generation check can catch it.
    from liaison.labs import agent_cache
    from liaison.labs.models import Asset

    Asset.objects.filter(pk=pc.pk).update(tag="LIB-PC-110-55")
    shared, raw = _raw_redis()
    raw.incr(shared.raw_key(agent_cache.GENERATION_KEY))
    answer = post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-55"), event("heartbeat")]).json()
    assert len(answer["accepted"]) == 1 and [r["code"] for r in answer["rejected"]] == ["labs.workstation_unknown"]
    assert answer["rejected"][0]["message"] == "No in-service workstation 'LIB-PC-110-01' in this lab."
    redis_commands.clear()
    assert post(client, agent_token, [event("heartbeat", tag="LIB-PC-110-55")]).json()["rejected"] == []
    assert redis_commands == ["EVALSHA"]  # the new map, known again


def test_on_redis_the_one_round_trip_keeps_every_check(client, pc, agent_token, redis_cache, redis_commands,
                                                       monkeypatch):  # fmt: skip
    post(client, agent_token, [event("heartbeat")])
    post(client, agent_token, [event("heartbeat")])  # the script's connection opened (once a process)
    good = event("heartbeat")
    redis_commands.clear()
    answer = post(client, agent_token, [
        good,
        event("heartbeat", at=timezone.now() + dt.timedelta(hours=3)),  # a clock hours ahead
        event("heartbeat", at=timezone.now() - dt.timedelta(days=8)),
        event("heartbeat", tag="NOPE"),
    ]).json()  # fmt: skip
    assert redis_commands == ["EVALSHA"]
    assert answer["accepted"] == [good["id"]]
    assert sorted(r["code"] for r in answer["rejected"]) == ["labs.clock_off", "labs.clock_off",
                                                             "labs.workstation_unknown"]  # fmt: skip
    assert "set the PC's clock" in next(r for r in answer["rejected"] if r["code"] == "labs.clock_off")["message"]
    monkeypatch.setattr(services, "AGENT_REQUESTS_PER_MINUTE", 2)
    monkeypatch.setattr(services, "_rate_key", lambda actor: f"labs:agent:{actor.pk}:flood")
    answers = [post(client, agent_token, [event("heartbeat")]) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 429, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert answers[2].json()["detail"].startswith("More than 2 requests a minute from this agent")


def test_on_redis_a_person_and_a_session_still_take_the_ordinary_path(client, pc, users, redis_cache):
    from liaison.accounts.services import api_token_create

    _token, plain = api_token_create(actor=users[Role.IT_STAFF], name="testing by hand")
    for _ in range(2):
        answer = post(client, plain, [event("heartbeat")])
        assert answer.status_code == 200 and answer.json()["rejected"] == []  # IT staff may post for any lab
    client.force_login(users[Role.LIBRARY_STAFF])
    assert client.post(URL, {"events": [event("heartbeat")]}, content_type="application/json").status_code == 403


def test_bad_bodies_are_named_as_a_typed_parameter_names_them(client, pc, agent_token, redis_cache):
    post(client, agent_token, [event("heartbeat")])  # the token now a claim: errors must not change

    def one(**fields):
        return json.dumps({"events": [{"id": str(uuid.uuid4()), "kind": "heartbeat", "workstation": "LIB-PC-110-01",
                                       "at": "2026-01-01T00:00:00Z", **fields}]})  # fmt: skip

    cases = {
        one(id="nope"): "events.0.id",
        one(at="yesterday"): "events.0.at",
        one(at="2026-01-01T25:00:00"): "events.0.at",
        one(kind="x" * 21): "events.0.kind",
        one(session=""): "events.0.session",
        json.dumps({"events": "x"}): "events",
        "[]": "events",
    }
    for body, field in cases.items():
        answer = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
        assert answer.status_code == 400, body
        assert answer.json()["code"] == "invalid" and [e["field"] for e in answer.json()["errors"]] == [field], body
    answer = client.post(URL, "not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
    assert answer.status_code == 400 and answer.json()["code"] == "malformed_body"
    answer = client.post(URL, "", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
    assert answer.status_code == 400 and answer.json()["errors"][0]["message"] == "Field required"
    nul = event("heartbeat", tag="LIB-PC-110-01\x00")
    body = json.dumps({"events": [nul]})
    assert "\\u0000" in body
    answer = client.post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
    assert answer.status_code == 200 and answer.json()["accepted"] == [nul["id"]]  # NUL dropped, as everywhere


def test_the_agent_api_still_documents_its_body(client, users):
    client.force_login(users[Role.IT_STAFF])
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/labs/agent/events"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["events"] and body["properties"]["events"]["maxItems"] == services.MAX_BATCH
    event_schema = body["properties"]["events"]["items"]
    assert {"id", "kind", "workstation", "at", "session"} <= set(event_schema["properties"])
    assert "ISO 8601" in event_schema["properties"]["at"]["description"]
    assert "429" in operation["responses"] and "200" in operation["responses"]


def test_too_many_events_in_one_request(client, pc, agent_token):
    assert post(client, agent_token, [event("heartbeat") for _ in range(501)]).status_code == 400


def test_occupancy_by_hour_reads_sessions(pc):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=3)
    UsageSession.objects.create(asset=pc, client_id=uuid.uuid4(), started_at=start,
                                ended_at=start + dt.timedelta(minutes=90))  # fmt: skip
    hours = selectors.occupancy_by_hour(room_id=pc.room_id, days=1)
    local = timezone.localtime(start).hour
    assert hours[local]["average_in_use"] == 1.0 and hours[(local + 1) % 24]["average_in_use"] == 0.5


def _agent_module():
    path = pathlib.Path(__file__).resolve().parents[3] / "tools" / "lab_agent" / "liaison_agent.py"
    spec = importlib.util.spec_from_file_location("liaison_agent", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_real_agent_reports_keeps_events_offline_and_sends_them_later(live_server, pc, agent_token, tmp_path):
    agent_mod = _agent_module()
    signed_in = {"now": True}
    offline = agent_mod.Agent(url="http://127.0.0.1:9", token=agent_token, workstation=pc.tag,
                              spool=agent_mod.Spool(str(tmp_path / "spool.json")), detect=lambda: signed_in["now"])  # fmt: skip
    offline.observe()
    assert offline.flush() is False  # nobody listens on port 9: kept for later
    assert [e["kind"] for e in agent_mod.Spool(str(tmp_path / "spool.json")).events] == ["sign_in", "heartbeat"]
    online = agent_mod.Agent(url=live_server.url, token=agent_token, workstation=pc.tag,
                             spool=agent_mod.Spool(str(tmp_path / "spool.json")), detect=lambda: signed_in["now"])  # fmt: skip
    assert online.flush() is True
    assert UsageSession.objects.filter(asset=pc, ended_at=None).count() == 1
    signed_in["now"] = False
    online.observe()
    assert online.flush() is True
    assert UsageSession.objects.get(asset=pc).ended_at is not None
    assert board_state(pc.tag) == "free"
    assert agent_mod.main(["--url", live_server.url, "--token", agent_token, "--workstation", pc.tag,
                           "--spool", str(tmp_path / "s2.json"), "--shutdown"]) == 0  # fmt: skip
    assert board_state(pc.tag) == "off"


def test_the_agents_url_is_matched_first_and_is_the_apis_own_operation():
    from django.urls import get_resolver, resolve

    from config.urls import API_URLS

    match = resolve(URL)
    assert get_resolver().url_patterns[0].callback is match.func  # ahead of every other pattern
    api_own = next(p for p in API_URLS[0] if str(p.pattern) == "labs/agent/events")
    assert match.func is api_own.callback  # the same operation, so the same access rule and errors
