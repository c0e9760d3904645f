"""Every route that takes an object id, walked with another department's object, another
person's object, a deleted object and a made-up id, as every role and signed out.

The route-level matrix (test_access_matrix.py) proves who may open a URL at all. This one proves
what each object-level route shows: where the owning app's policy says a person may not see an
object, the answer is 403 or 404 (or a sign-in redirect) and the object's private text is not in
it; a deleted or made-up id is never a 200; and nothing is ever a 500. The expected answer comes
from the owning app's own `policy.py`, so a route that disagrees with its policy fails here.

A new route with an id in its path fails `test_every_object_route_is_walked` until it is added
to ROUTES (or to NOT_OBJECT_ROUTES, with the reason).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import get_resolver

from conftest import make_user
from liaison.core.access import iter_patterns
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db

SECRET = "PRIVATE-MARKER-7f3a"
ROLES = [None, *Role.values]  # None: signed out


@dataclass(frozen=True)
class Route:
    name: str  # URL name (pages) or "METHOD /api/path" (API)
    subject: str  # which object it is about (a key of the `world` fixture)
    method: str = "get"
    # May `user` see (for GET) or act on (for writes) `obj`? From the owning app's policy.
    allowed: Any = None
    # A well-formed body for API writes, so the request reaches the object check rather than
    # stopping at the body's validation.
    body: Any = None


def _ticket_visible(user, ticket) -> bool:
    from liaison.tickets import policy

    ticket.refresh_from_db()  # an earlier call in the walk may have handed it on
    return policy.can_view_ticket(user, ticket)


def _ticket_contact(user, ticket) -> bool:
    from liaison.tickets import policy

    ticket.refresh_from_db()
    return policy.can_reveal_contact(user, ticket)


def _interaction_visible(user, interaction) -> bool:
    from liaison.desk import policy

    return policy.can_see_interaction(user, interaction)


def _interaction_changeable(user, interaction) -> bool:
    from liaison.desk import policy

    return policy.can_change_interaction(user, interaction)


def _promote(user, interaction) -> bool:
    from liaison.desk import policy as desk_policy
    from liaison.tickets import policy as ticket_policy

    return desk_policy.can_see_interaction(user, interaction) and ticket_policy.can_open_ticket(user)


def _article_visible(user, article) -> bool:
    from liaison.kb import policy

    return policy.can_see_article(user, article)


def _article_editable(user, article) -> bool:
    from liaison.kb import policy

    return policy.can_edit_article(user, article)


def _entry_visible(user, entry) -> bool:
    from liaison.directory import policy

    return policy.can_view_entries(user)


def _entry_editable(user, entry) -> bool:
    from liaison.directory import policy

    return policy.can_edit_entry(user, entry)


def _run_visible(user, run) -> bool:
    from liaison.imports import policy

    return policy.can_see_run(user, run)


def _run_actionable(user, run) -> bool:
    from liaison.imports import policy

    return policy.can_act_on_run(user, run)


def _rejects(user, run) -> bool:
    from liaison.imports import policy

    return policy.can_download_rejects(user, run)


def _mapping(user, mapping) -> bool:
    from liaison.imports import policy

    return policy.can_manage_mapping(user, mapping)


def _token(user, token) -> bool:
    from liaison.accounts import policy

    return policy.can_revoke_api_token(user, token)


def _saved_report(user, report) -> bool:
    return user is not None and user.is_authenticated and report.owner_id == user.pk and user.role != "student_worker"


def _hours(user, point) -> bool:
    from liaison.places import policy

    return policy.can_edit_hours(user, point)


def _desk_user(user, point) -> bool:
    from liaison.desk import policy

    return policy.can_log_interaction(user)


def _partnership(rule: str):
    """`allowed` from the partnership's policy: `_partnership("can_answer_offer")(user, offer)`."""

    def allowed(user, obj) -> bool:
        from liaison.partnership import policy

        check = getattr(policy, rule)
        return check(user, obj) if _takes_object(check) else check(user)

    allowed.__name__ = f"_partnership_{rule}"
    return allowed


def _takes_object(check) -> bool:
    import inspect

    return len(inspect.signature(check).parameters) > 1


def _handles_request(user, request) -> bool:
    from liaison.partnership import policy

    return policy.can_view_resource_request(user, request) and policy.can_handle_resource_requests(user)


_p_view = _partnership("can_view_partnership")
_p_survey = _partnership("can_view_survey_results")
_p_rollouts = _partnership("can_view_rollouts")
_p_request = _partnership("can_view_resource_request")
_p_skills = _partnership("can_view_skills")


def _anyone(user, obj) -> bool:
    return True


def _policy_rule(app: str, rule: str):
    """`allowed` from an app's policy: `_policy_rule("software", "can_work_request")(user, obj)`
    (a rule that takes no object is asked about the person alone)."""

    def allowed(user, obj) -> bool:
        import importlib

        check = getattr(importlib.import_module(f"liaison.{app}.policy"), rule)
        return check(user, obj) if _takes_object(check) else check(user)

    allowed.__name__ = f"_{app}_{rule}"
    return allowed


def _software(rule: str):
    return _policy_rule("software", rule)


def _labs(rule: str):
    return _policy_rule("labs", rule)


def _staffing(rule: str):
    return _policy_rule("staffing", rule)


_sw_read = _software("can_read")
_l_view = _labs("can_view_equipment")


def _never(user, obj) -> bool:
    return False


def _edits_worker_of(user, obj) -> bool:
    from liaison.staffing import policy

    return policy.can_edit_availability(user, getattr(obj, "worker", obj))


_s_manage = _staffing("can_manage_pool")


def _pilots(rule: str, *, via_form: bool = False):
    """`allowed` from the pilots policy: `_pilots("can_edit_pilot")(user, pilot)`; with
    `via_form`, the object is a feedback form and the rule is asked about its pilot."""

    def allowed(user, obj) -> bool:
        from liaison.pilots import policy

        check = getattr(policy, rule)
        pilot = obj.pilot if via_form else obj
        return check(user) if rule in ("can_view_pilots", "can_propose_pilot") else check(user, pilot)

    allowed.__name__ = f"_pilots_{rule}"
    return allowed


_pl_view = _pilots("can_view_pilots")


# Who may see each kind of object at all (so its private text may appear on their pages).
SEES = {
    "ticket": _ticket_visible,
    "ticket_attachment": _ticket_visible,
    "ticket_article": _ticket_visible,
    "interaction": _interaction_visible,
    "service_point": _anyone,
    "saved_report": _saved_report,
    "article": _article_visible,
    "public_article": _anyone,
    "entry": _entry_visible,
    "import_run": _run_visible,
    "import_mapping": lambda user, mapping: __import__("liaison.imports.policy", fromlist=["can_import"]).can_import(
        user
    ),
    "api_token": lambda user, token: _token(user, token),
    "ledger_entry": _p_view,
    "need": _p_view,
    "offer": _p_view,
    "match": _p_view,
    "survey_round": _p_survey,
    "rollout": _p_rollouts,
    "resource_request": _p_request,
    "skill": _p_skills,
    "software_course": _sw_read,
    "software_need": _sw_read,
    "software_request": _sw_read,
    "software_image": _sw_read,
    "software_workstation": _sw_read,
    "lab_asset": _l_view,
    "insights_report": _policy_rule("insights", "can_view_insights"),
    "lab_incident": _l_view,
    "lab_system": _labs("can_view_systems"),
    "pool_worker": lambda user, worker: _staffing("can_read_notes")(user, worker),
    "pool_date": lambda user, date: _staffing("can_see_worker")(user, date.worker),
    "pool_training": lambda user, training: _staffing("can_see_worker")(user, training.worker),
    "pool_term": lambda user, term: _staffing("can_manage_pool")(user, term),
    "pool_run": lambda user, run: _staffing("can_manage_pool")(user, run),
    "pool_shift": lambda user, shift: _staffing("can_see_shift")(user, shift),
    "pool_offer": lambda user, offer: _staffing("can_view_schedule")(user, offer),
    "pilot": _pl_view,
    "pilot_form": _pl_view,
    "public_form": _anyone,
}

T, TA = "ticket", "ticket_attachment"
ROUTES = [
    # Tickets: pages
    Route("tickets:detail", T, allowed=_ticket_visible),
    Route("tickets:state", T, "post", _ticket_visible),
    Route("tickets:assign", T, "post", _ticket_visible),
    Route("tickets:priority", T, "post", _ticket_visible),
    Route("tickets:move", T, "post", _ticket_visible),
    Route("tickets:reply", T, "post", _ticket_visible),
    Route("tickets:follow", T, "post", _ticket_visible),
    Route("tickets:contact", T, "post", _ticket_contact),
    Route("tickets:status_link", T, "post", _ticket_visible),
    Route("tickets:attach", T, "post", _ticket_visible),
    Route("tickets:attachment", TA, allowed=_ticket_visible),
    Route("tickets:article_link", T, "post", _ticket_visible),
    Route("tickets:article_search", T, allowed=_ticket_visible),
    Route("tickets:article_unlink", "ticket_article", "post", _ticket_visible),
    Route("tickets:promote", "interaction", allowed=_promote),
    # Tickets: API
    Route("GET /api/v1/tickets/{ticket}", T, allowed=_ticket_visible),
    Route("POST /api/v1/tickets/{ticket}/status-links", T, "post", _ticket_visible),
    Route("POST /api/v1/tickets/{ticket}/state", T, "post", _ticket_visible, {"state": "open"}),
    Route("POST /api/v1/tickets/{ticket}/assign", T, "post", _ticket_visible, {"assignee": "t_it2"}),
    Route("POST /api/v1/tickets/{ticket}/hand-off", T, "post", _ticket_visible, {"queue": "lib-research"}),
    Route("GET /api/v1/tickets/{ticket}/events", T, "get", _ticket_visible),
    Route("POST /api/v1/tickets/{ticket}/replies", T, "post", _ticket_visible, {"body": "Any news?"}),
    Route("POST /api/v1/tickets/{ticket}/attachments", T, "post", _ticket_visible, "upload"),
    Route("GET /api/v1/tickets/{ticket}/attachments/{attachment_id}", TA, allowed=_ticket_visible),
    Route("POST /api/v1/tickets/{ticket}/articles", T, "post", _ticket_visible, {"article": 1}),
    Route("POST /api/v1/tickets/{ticket}/contact", T, "post", _ticket_contact),
    Route(
        "POST /api/v1/tickets/promote/{client_id}",
        "interaction",
        "post",
        _promote,
        {"queue": "it-help-desk", "subject": "Printer"},
    ),
    # Desk
    Route("desk:undo", "interaction", "post", _interaction_changeable),
    Route("desk:screen", "service_point", allowed=_desk_user),
    Route("desk:report_open", "saved_report", allowed=_saved_report),
    Route("desk:report_delete", "saved_report", "post", _saved_report),
    Route("GET /api/v1/desk/interactions/{client_id}", "interaction", allowed=_interaction_visible),
    Route("PATCH /api/v1/desk/interactions/{client_id}", "interaction", "patch", _interaction_changeable),
    Route("DELETE /api/v1/desk/interactions/{client_id}", "interaction", "delete", _interaction_changeable),
    Route("GET /api/v1/desk/service-points/{slug}/tally", "service_point", allowed=_desk_user),
    # Knowledge base
    Route("kb:detail", "article", allowed=_article_visible),
    Route("kb:edit", "article", allowed=_article_editable),
    Route("kb:publish", "article", "post", _article_editable),
    Route("kb:unpublish", "article", "post", _article_editable),
    Route("help:article", "public_article", allowed=_anyone),
    Route("GET /api/v1/kb/articles/{slug}", "article", allowed=_article_visible),
    Route("PATCH /api/v1/kb/articles/{slug}", "article", "patch", _article_editable),
    Route("POST /api/v1/kb/articles/{slug}/publish", "article", "post", _article_editable),
    Route("POST /api/v1/kb/articles/{slug}/unpublish", "article", "post", _article_editable),
    Route("GET /api/v1/kb/public/articles/{slug}", "public_article", allowed=_anyone),
    # Directory
    Route("directory:detail", "entry", allowed=_entry_visible),
    Route("directory:edit", "entry", allowed=_entry_editable),
    Route("directory:review", "entry", "post", _entry_editable),
    Route("directory:retire", "entry", "post", _entry_editable),
    Route("GET /api/v1/directory/entries/{entry_id}", "entry", allowed=_entry_visible),
    Route("PATCH /api/v1/directory/entries/{entry_id}", "entry", "patch", _entry_editable),
    Route("POST /api/v1/directory/entries/{entry_id}/review", "entry", "post", _entry_editable),
    Route("POST /api/v1/directory/entries/{entry_id}/retire", "entry", "post", _entry_editable),
    # Imports
    Route("imports:run", "import_run", allowed=_run_visible),
    Route("imports:check", "import_run", "post", _run_actionable),
    Route("imports:commit", "import_run", "post", _run_actionable),
    Route("imports:save_mapping", "import_run", "post", _run_actionable),
    Route("imports:discard", "import_run", "post", _run_actionable),
    Route("imports:progress", "import_run", allowed=_run_visible),
    Route("imports:cancel", "import_run", "post", _run_actionable),
    Route("imports:map_value", "import_run", "post", _run_actionable),
    Route("imports:save_snapshot", "import_run", "post", _run_visible),
    Route("imports:rejections_csv", "import_run", allowed=_rejects),
    Route("imports:mapping_delete", "import_mapping", "post", _mapping),
    Route("GET /api/v1/imports/runs/{run_id}", "import_run", allowed=_run_visible),
    # Accounts and places
    Route("accounts:token_revoke", "api_token", "post", _token),
    Route("DELETE /api/v1/accounts/tokens/{token_id}", "api_token", "delete", _token),
    Route("GET /api/v1/places/service-points/{slug}", "service_point", allowed=_anyone),
    Route(
        "PUT /api/v1/places/service-points/{slug}/exceptions",
        "service_point",
        "put",
        _hours,
        {"date": "2027-01-01", "reason": "New Year"},
    ),
    # Labs
    Route("insights:report_delete", "insights_report", "post", _policy_rule("insights", "can_schedule_reports")),
    Route("labs:asset", "lab_asset", allowed=_l_view),
    Route("labs:asset_edit", "lab_asset", allowed=_labs("can_edit_asset")),
    Route("labs:asset_report", "lab_asset", "post", _labs("can_report_fault_as_staff")),
    Route("labs:asset_maintenance", "lab_asset", "post", _labs("can_plan_maintenance")),
    Route("labs:asset_qr", "lab_asset", allowed=_l_view),
    Route("labs:incident", "lab_incident", allowed=_l_view),
    Route("labs:incident_state", "lab_incident", "post", _labs("can_work_incident")),
    Route("labs:incident_system", "lab_incident", "post", _labs("can_link_system")),
    Route("labs:system", "lab_system", allowed=_labs("can_view_systems")),
    Route("labs:system_edit", "lab_system", allowed=_labs("can_edit_system")),
    Route("labs:system_status", "lab_system", "post", _labs("can_edit_system")),
    Route("labs:system_link_ticket", "lab_system", "post", _labs("can_link_system")),
    Route("GET /api/v1/labs/systems/{system_id}", "lab_system", allowed=_labs("can_view_systems")),
    Route("GET /api/v1/labs/systems/{system_id}/trouble", "lab_system", allowed=_labs("can_view_systems")),
    Route(
        "PATCH /api/v1/labs/systems/{system_id}",
        "lab_system",
        "patch",
        _labs("can_edit_system"),
        {"status": "degraded", "status_note": "Slow searches"},
    ),
    Route(
        "POST /api/v1/labs/systems/{system_id}/tickets",
        "lab_system",
        "post",
        _labs("can_link_system"),
        {"ticket": "999999"},
    ),
    Route("GET /api/v1/labs/assets/{asset_id}", "lab_asset", allowed=_l_view),
    Route(
        "POST /api/v1/labs/assets/{asset_id}/reports",
        "lab_asset",
        "post",
        _labs("can_report_fault_as_staff"),
        {"problem": "paper_jam"},
    ),
    Route("GET /api/v1/labs/incidents/{incident_id}", "lab_incident", allowed=_l_view),
    Route(
        "POST /api/v1/labs/incidents/{incident_id}/state",
        "lab_incident",
        "post",
        _labs("can_work_incident"),
        {"state": "acknowledged"},
    ),
    # Partnership: pages (their forms are sent empty: the policy must answer before the form)
    Route("partnership:entry", "ledger_entry", allowed=_p_view),
    Route("partnership:entry", "ledger_entry", "post", _partnership("can_correct_ledger_entry")),
    Route("partnership:need", "need", allowed=_p_view),
    Route("partnership:need_status", "need", "post", _partnership("can_change_need")),
    Route("partnership:offer_new", "need", "post", _partnership("can_offer_help")),
    Route("partnership:offer_answer", "offer", "post", _partnership("can_answer_offer")),
    Route("partnership:match_update", "match", "post", _partnership("can_record_delivery")),
    Route("partnership:survey_round", "survey_round", allowed=_p_survey),
    Route("partnership:survey_answer", "survey_round", allowed=_partnership("can_answer_survey")),
    Route("partnership:survey_answer", "survey_round", "post", _partnership("can_answer_survey")),
    Route("partnership:survey_transition", "survey_round", "post", _partnership("can_manage_survey")),
    Route("partnership:rollout", "rollout", allowed=_p_rollouts),
    Route("partnership:rollout_edit", "rollout", allowed=_partnership("can_edit_rollout")),
    Route("partnership:rollout_edit", "rollout", "post", _partnership("can_edit_rollout")),
    Route("partnership:rollout_consultation", "rollout", "post", _partnership("can_record_consultation")),
    Route("partnership:request", "resource_request", allowed=_p_request),
    Route("partnership:request_action", "resource_request", "post", _handles_request),
    Route("partnership:skill", "skill", allowed=_p_skills),
    Route("partnership:skill_session_new", "skill", "post", _partnership("can_record_session")),
    Route("partnership:skill_toggle", "skill", "post", _partnership("can_edit_skill")),
    # Partnership: API
    Route("GET /api/v1/partnership/ledger/{entry_id}", "ledger_entry", allowed=_p_view),
    Route(
        "POST /api/v1/partnership/ledger/{entry_id}/corrections",
        "ledger_entry",
        "post",
        _partnership("can_correct_ledger_entry"),
        {"count": 2, "note": "It was two."},
    ),
    Route(
        "POST /api/v1/partnership/needs/{need_id}/offers",
        "need",
        "post",
        _partnership("can_offer_help"),
        {"description": "We can pilot it."},
    ),
    Route("POST /api/v1/partnership/offers/{offer_id}/accept", "offer", "post", _partnership("can_answer_offer")),
    Route("POST /api/v1/partnership/offers/{offer_id}/decline", "offer", "post", _partnership("can_answer_offer")),
    Route(
        "POST /api/v1/partnership/matches/{match_id}/deliver",
        "match",
        "post",
        _partnership("can_record_delivery"),
        {"delivered_on": "2025-01-06", "hours": "2"},
    ),
    Route("GET /api/v1/partnership/surveys/{round_id}", "survey_round", allowed=_p_survey),
    Route(
        "POST /api/v1/partnership/surveys/{round_id}/open", "survey_round", "post", _partnership("can_manage_survey")
    ),
    Route(
        "POST /api/v1/partnership/surveys/{round_id}/close", "survey_round", "post", _partnership("can_manage_survey")
    ),
    Route(
        "POST /api/v1/partnership/surveys/{round_id}/responses",
        "survey_round",
        "post",
        _partnership("can_answer_survey"),
        {"answers": {"1": "More evening cover."}},
    ),
    Route("GET /api/v1/partnership/rollouts/{rollout_id}", "rollout", allowed=_p_rollouts),
    Route(
        "PATCH /api/v1/partnership/rollouts/{rollout_id}",
        "rollout",
        "patch",
        _partnership("can_edit_rollout"),
        {"title": "Print release, phase 2"},
    ),
    Route(
        "POST /api/v1/partnership/rollouts/{rollout_id}/consultation",
        "rollout",
        "post",
        _partnership("can_record_consultation"),
        {"consulted_on": "2025-01-06", "library_response": "Fine after exams."},
    ),
    Route("GET /api/v1/partnership/requests/{request_id}", "resource_request", allowed=_p_request),
    Route("POST /api/v1/partnership/requests/{request_id}/triage", "resource_request", "post", _handles_request),
    Route(
        "POST /api/v1/partnership/requests/{request_id}/fulfil",
        "resource_request",
        "post",
        _handles_request,
        {"note": "On your desk."},
    ),
    Route(
        "POST /api/v1/partnership/requests/{request_id}/decline",
        "resource_request",
        "post",
        _handles_request,
        {"note": "Not licensed."},
    ),
    Route(
        "POST /api/v1/partnership/skills/{skill_id}/sessions",
        "skill",
        "post",
        _partnership("can_record_session"),
        {"held_on": "2025-01-06", "hours": "1", "attendee_department": "library"},
    ),
    # Software access
    Route("software:course", "software_course", allowed=_sw_read),
    Route("software:need_delete", "software_need", "post", _software("can_edit_need")),
    Route("software:request_new", "software_need", allowed=_software("can_request")),
    Route("software:request", "software_request", allowed=_sw_read),
    Route("software:request_take", "software_request", "post", _software("can_work_request")),
    Route("software:request_resolve", "software_request", "post", _software("can_work_request")),
    Route("software:request_decline", "software_request", "post", _software("can_work_request")),
    Route("software:image", "software_image", allowed=_sw_read),
    Route("software:drift_decide", "software_workstation", "post", _software("can_decide_drift")),
    Route("DELETE /api/v1/software/needs/{need_id}", "software_need", "delete", _software("can_edit_need")),
    Route(
        "POST /api/v1/software/needs/{need_id}/request",
        "software_need",
        "post",
        _software("can_request"),
        {"note": "x"},
    ),
    Route("GET /api/v1/software/requests/{request_id}", "software_request", allowed=_sw_read),
    Route(
        "POST /api/v1/software/requests/{request_id}/take", "software_request", "post", _software("can_work_request")
    ),
    Route(
        "POST /api/v1/software/requests/{request_id}/resolve",
        "software_request",
        "post",
        _software("can_work_request"),
        {"resolution": "done"},
    ),
    Route(
        "POST /api/v1/software/requests/{request_id}/decline",
        "software_request",
        "post",
        _software("can_work_request"),
        {"resolution": "No budget"},
    ),
    # Staffing: pages
    Route("staffing:worker", "pool_worker", allowed=_staffing("can_see_worker")),
    Route("staffing:worker_availability", "pool_worker", allowed=_s_manage),
    Route("staffing:date_add", "pool_worker", "post", _edits_worker_of, {"date": "2030-01-01"}),
    Route("staffing:date_remove", "pool_date", "post", _edits_worker_of),
    Route("staffing:note_add", "pool_worker", "post", _s_manage, {"body": "x"}),
    Route("staffing:training_add", "pool_worker", "post", _edits_worker_of),
    Route("staffing:training_sign_off", "pool_training", "post", _s_manage),
    Route("staffing:generate", "pool_term", "post", _s_manage),
    Route("staffing:publish", "pool_term", "post", _s_manage),
    Route("staffing:run", "pool_run", allowed=_s_manage),
    Route("staffing:run_apply", "pool_run", "post", _s_manage),
    Route("staffing:shift", "pool_shift", allowed=_staffing("can_see_shift")),
    Route("staffing:shift_offer", "pool_shift", "post", _never),
    Route("staffing:shift_assign", "pool_shift", "post", _s_manage),
    Route("staffing:offer_take", "pool_offer", "post", _never),
    Route("staffing:offer_withdraw", "pool_offer", "post", _s_manage),
    Route("staffing:offer_decide", "pool_offer", "post", _s_manage, {"decision": "decline"}),
    # Staffing: API
    Route("POST /api/v1/staffing/shifts/{shift_id}/offer", "pool_shift", "post", _never, {"note": ""}),
    Route("POST /api/v1/staffing/offers/{offer_id}/take", "pool_offer", "post", _never),
    Route("POST /api/v1/staffing/offers/{offer_id}/withdraw", "pool_offer", "post", _s_manage),
    Route("POST /api/v1/staffing/offers/{offer_id}/decide", "pool_offer", "post", _s_manage, {"approve": False}),
    Route("POST /api/v1/staffing/terms/{term_id}/runs", "pool_term", "post", _s_manage, {"time_limit_s": 1}),
    Route("POST /api/v1/staffing/terms/{term_id}/publish", "pool_term", "post", _s_manage, {"version": 0}),
    Route("GET /api/v1/staffing/runs/{run_id}", "pool_run", allowed=_s_manage),
    # Pilots: pages
    Route("pilots:detail", "pilot", allowed=_pl_view),
    Route("pilots:edit", "pilot", allowed=_pilots("can_edit_pilot")),
    Route("pilots:edit", "pilot", "post", _pilots("can_edit_pilot")),
    Route("pilots:transition", "pilot", "post", _pilots("can_agree_pilot"), {"to_state": "agreed"}),
    Route("pilots:recommendation", "pilot", "post", _pilots("can_deliver_report"), {"recommendation": "Buy"}),
    Route("pilots:cost_new", "pilot", "post", _pilots("can_record_cost")),
    Route("pilots:form_new", "pilot", allowed=_pilots("can_manage_forms")),
    Route("pilots:form_new", "pilot", "post", _pilots("can_manage_forms")),
    Route("pilots:form_edit", "pilot_form", allowed=_pilots("can_manage_forms", via_form=True)),
    Route("pilots:form_edit", "pilot_form", "post", _pilots("can_manage_forms", via_form=True)),
    Route("pilots:form_poster", "pilot_form", allowed=_pl_view),
    Route("pilots:desk_answer", "pilot_form", allowed=_pilots("can_record_desk_answer", via_form=True)),
    Route("pilots:desk_answer", "pilot_form", "post", _pilots("can_record_desk_answer", via_form=True)),
    Route("pilots:results", "pilot", allowed=_pilots("can_view_results")),
    Route("pilots:themes", "pilot", allowed=_pilots("can_read_free_text")),
    Route("pilots:themes", "pilot", "post", _pilots("can_read_free_text")),
    Route("pilots:report", "pilot", allowed=_pilots("can_view_results")),
    Route("pilots:report_pdf", "pilot", allowed=_pilots("can_view_results")),
    Route("pilots:report_xlsx", "pilot", allowed=_pilots("can_view_results")),
    Route("pilots:answer", "public_form", allowed=_anyone),
    Route("pilots:answer", "public_form", "post", _anyone),
    Route("pilots:thanks", "public_form", allowed=_anyone),
    # Pilots: API
    Route("GET /api/v1/pilots/pilots/{pilot_id}", "pilot", allowed=_pl_view),
    Route("PATCH /api/v1/pilots/pilots/{pilot_id}", "pilot", "patch", _pilots("can_edit_pilot"), {"title": "Renamed"}),
    Route(
        "POST /api/v1/pilots/pilots/{pilot_id}/transition",
        "pilot",
        "post",
        _pilots("can_agree_pilot"),
        {"to_state": "agreed"},
    ),
    Route(
        "POST /api/v1/pilots/pilots/{pilot_id}/costs",
        "pilot",
        "post",
        _pilots("can_record_cost"),
        {"kind": "staff_hours", "occurred_on": "2026-01-05", "hours": "2"},
    ),
    Route(
        "POST /api/v1/pilots/pilots/{pilot_id}/forms",
        "pilot",
        "post",
        _pilots("can_manage_forms"),
        {"title": "Form", "questions": [{"kind": "text", "text": "Thoughts?"}]},
    ),
    Route("GET /api/v1/pilots/pilots/{pilot_id}/results", "pilot", allowed=_pilots("can_view_results")),
    Route("GET /api/v1/pilots/public/forms/{code}", "public_form", allowed=_anyone),
    Route(
        "POST /api/v1/pilots/public/forms/{code}/responses",
        "public_form",
        "post",
        _anyone,
        {"audience": "student", "token": "t" * 24, "answers": {}},
    ),
]

NOT_OBJECT_ROUTES = {
    "accounts:password_reset_confirm": "a signed one-time link, not an object id (tested in accounts)",
    "tickets:status": "a patron's secret link, not an id: unknown, guessed and expired links are one 404 (tickets tests)",
    "GET /api/v1/tickets/status/{token}": "the same secret link through the API (tickets tests)",
    "labs:device": "a device's public QR page, for anyone by design; unknown and retired codes are one 404 (labs tests)",
    "partnership:calendar_feed": "a person's secret calendar link, not an id: made-up, replaced and deactivated "
    "links are one 404 (partnership tests, test_rollouts.py)",
    "software:faculty": "an instructor's signed link, not an id: broken, tampered and expired links are one 404 "
    "(software tests, test_pages.py)",
    "staffing:feed": "a person's secret shift-calendar link, not an id: made-up, reset and tampered links are one "
    "404 (staffing tests, test_feeds.py)",
    "staffing:point_feed": "the same secret link, per service point (staffing tests, test_feeds.py)",
    "insights:dashboard": "a dashboard's name, not an object id: figures for every viewer alike (insights tests)",
    "insights:export": "the same dashboard as XLSX or PDF (insights tests)",
    "insights:chart_export": "one chart of the same dashboard as CSV, XLSX or PNG (insights tests)",
    "GET /api/v1/insights/{dashboard}": "the same dashboard through the API (insights tests)",
}


# --- The world: one object of each kind, owned by someone other than the person asking --------


@pytest.fixture
def world(departments, users, joint_desk):
    from liaison.accounts.services import api_token_create
    from liaison.desk import services as desk_services
    from liaison.desk.models import SavedReport
    from liaison.directory.services import entry_create
    from liaison.imports.models import ImportMapping
    from liaison.imports.services import import_run_start
    from liaison.kb.services import article_create
    from liaison.tickets import services as ticket_services
    from liaison.tickets.models import Queue

    library, it = departments["library"], departments["it"]
    other_librarian = make_user(Role.LIBRARY_STAFF, username="t_library2", department=library)
    other_tech = make_user(Role.IT_STAFF, username="t_it2", department=it)
    other_student = make_user(Role.STUDENT_WORKER, username="t_student2", department=it)

    it_queue = Queue.objects.create(name="Help Desk", slug="it-help-desk", department=it)
    library_queue = Queue.objects.create(name="Research help", slug="lib-research", department=library)
    it_ticket = ticket_services.ticket_create(
        actor=other_tech, queue=it_queue, subject="Lab PC 12 will not boot", description=SECRET,
        patron_email="patron@college.example",
    )  # fmt: skip
    library_ticket = ticket_services.ticket_create(
        actor=other_librarian, queue=library_queue, subject="Citation help", description=SECRET,
        patron_email="patron@college.example",
    )  # fmt: skip
    interaction, _ = desk_services.interaction_log(
        actor=other_student, service_point=joint_desk, kind="technology", read_level=2, mode="in_person",
        client_id=uuid.uuid4(), note=SECRET,
    )  # fmt: skip
    undone, _ = desk_services.interaction_log(
        actor=other_student, service_point=joint_desk, kind="research", read_level=2, mode="in_person",
        client_id=uuid.uuid4(), note=SECRET,
    )  # fmt: skip
    undone_id = undone.client_id
    desk_services.interaction_undo(actor=other_student, interaction=undone)
    draft = article_create(actor=other_librarian, title="Draft on proxy trouble", body=SECRET)
    published = article_create(actor=other_librarian, title="Printing from a laptop", body="Send it to the queue.")
    from liaison.kb.services import article_publish

    article_publish(actor=other_librarian, article=published)
    ticket_services.ticket_link_article(actor=other_tech, ticket=it_ticket, article_id=published.pk)
    entry = entry_create(actor=other_tech, name="Network office", handles="VPN, wifi", department=it)
    gone_entry = entry_create(actor=other_tech, name="Old office", handles="nothing", department=it)
    gone_entry_pk = gone_entry.pk
    gone_entry.delete()
    run = import_run_start(
        actor=other_librarian, importer_key="desk_interactions", file_name=f"{SECRET}.csv",
        content=b"date,desk,question\n2026-01-05,Research & IT Desk,Where is the printer?\n",
    )  # fmt: skip
    mapping = ImportMapping.objects.create(importer="desk_interactions", name="Gimlet", owner=other_librarian)
    token, _plain = api_token_create(actor=other_librarian, name=SECRET)
    report = SavedReport.objects.create(owner=other_librarian, name=SECRET, rows="kind")

    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = ticket_services.ticket_attach(
        actor=other_tech, ticket=it_ticket,
        upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n" + SECRET.encode() + b"\n%%EOF\n", content_type="application/pdf"),
    )  # fmt: skip

    partnership = _partnership_world(departments, other_librarian, other_tech, other_student)
    software = _software_world(departments, other_librarian, other_tech)
    labs = _labs_world(departments, other_tech, it_queue)
    staffing = _staffing_world(departments, other_student, joint_desk)
    pilots = _pilots_world()
    from liaison.insights.models import ScheduledReport

    scheduled = ScheduledReport.objects.create(name=SECRET, dashboard="desk", recipients="a@college.example")

    made_up = uuid.UUID("00000000-0000-4000-8000-000000000000")
    return {
        **partnership,
        **software,
        **labs,
        **staffing,
        **pilots,
        "insights_report": [
            ("another person's", scheduled, {"report_id": scheduled.pk}),
            ("made-up", None, {"report_id": 999999}),
        ],
        # subject: [(variant, object or None, path kwargs)]
        "ticket": [
            ("another department's", it_ticket, it_ticket),
            ("another department's", library_ticket, library_ticket),
            ("made-up", None, {"reference": made_up, "ticket": "999999"}),
        ],
        "ticket_attachment": [
            ("another department's", it_ticket, (it_ticket, attachment.pk)),
            (
                "made-up",
                None,
                {"reference": it_ticket.reference, "ticket": str(it_ticket.number), "attachment_id": 999999},
            ),
        ],
        "ticket_article": [("another department's", it_ticket, (it_ticket, published.pk))],
        "interaction": [
            ("another person's", interaction, {"client_id": interaction.client_id, "slug": joint_desk.slug}),
            ("deleted", None, {"client_id": undone_id, "slug": joint_desk.slug}),
            ("made-up", None, {"client_id": made_up, "slug": joint_desk.slug}),
        ],
        "service_point": [
            ("shared", joint_desk, {"slug": joint_desk.slug}),
            ("made-up", None, {"slug": "no-such-desk"}),
        ],
        "saved_report": [("another person's", report, {"pk": report.pk}), ("made-up", None, {"pk": 999999})],
        "article": [
            ("another person's draft", draft, {"slug": draft.slug}),
            ("made-up", None, {"slug": "no-such-article"}),
        ],
        "public_article": [
            ("published", published, {"slug": published.slug}),
            ("draft", None, {"slug": draft.slug}),  # a draft is not public: as good as made up
        ],
        "entry": [
            ("another department's", entry, {"pk": entry.pk, "entry_id": entry.pk}),
            ("deleted", None, {"pk": gone_entry_pk, "entry_id": gone_entry_pk}),
            ("made-up", None, {"pk": 999999, "entry_id": 999999}),
        ],
        "import_run": [
            ("another person's", run, {"run_id": run.public_id}),
            ("made-up", None, {"run_id": made_up}),
        ],
        "import_mapping": [("another person's", mapping, {"pk": mapping.pk}), ("made-up", None, {"pk": 999999})],
        "api_token": [
            ("another person's", token, {"token_id": token.pk}),
            ("made-up", None, {"token_id": 999999}),
        ],
    }


def _partnership_world(departments, other_librarian, other_tech, other_student) -> dict[str, list]:
    """The partnership's objects, each made by someone the callers are not: a typed ledger entry,
    an IT need with an offer waiting and an accepted one (a match), an open survey round with a
    named answer, a rollout, requests for library resources from IT and from a third
    department, and a student's skill. Private text carries SECRET."""
    import datetime as dt

    from django.utils import timezone

    from liaison.accounts.models import Department
    from liaison.partnership import services as partnership

    library, it = departments["library"], departments["it"]
    facilities = Department.objects.create(name="Facilities", code="facilities", kind=Department.Kind.OTHER)
    it_boss = make_user(Role.SUPERVISOR, username="t_it_boss2", department=it)
    caretaker = make_user(Role.IT_STAFF, username="t_facilities", department=facilities)
    today = timezone.localdate()

    entry = partnership.ledger_entry_create(
        actor=other_librarian, kind="shared_event", direction="contribution", giver=library, receiver=it,
        occurred_on=today, label="Open day stall", note=SECRET,
    )  # fmt: skip
    need = partnership.need_create(actor=it_boss, department="it", title="Pilot testers", description=SECRET)
    offer = partnership.offer_create(actor=other_librarian, need=need, description=SECRET)
    accepted = partnership.offer_create(actor=other_librarian, need=need, description="The archive can help")
    match = partnership.offer_accept(actor=it_boss, offer=accepted)
    survey_round = partnership.survey_round_create(
        actor=it_boss, title="This term", period_start=today - dt.timedelta(days=30), period_end=today,
    )  # fmt: skip
    survey_round = partnership.survey_round_open(actor=it_boss, survey_round=survey_round)
    first_question = survey_round.questions.order_by("order").first()
    partnership.survey_respond(actor=other_tech, survey_round=survey_round, answers={first_question.pk: SECRET})
    rollout = partnership.rollout_create(
        actor=other_tech, title="Print release", kind="printer", starts_on=today + dt.timedelta(days=30),
        effect_on_library="Printers down for a morning", description=SECRET,
    )  # fmt: skip
    gone_rollout = partnership.rollout_create(
        actor=other_tech, title="Old plan", kind="other", starts_on=today, effect_on_library="None"
    )
    gone_rollout_pk = gone_rollout.pk
    gone_rollout.delete()  # an administrator deleted it in Setup
    third_request = partnership.resource_request_create(
        actor=caretaker, kind="book", title="Boiler manual", details=SECRET
    )
    it_request = partnership.resource_request_create(actor=other_tech, kind="database", title="Gartner", details=SECRET)
    skill = partnership.skill_create(actor=other_student, title="Spreadsheets", description=SECRET)

    def ids(obj, api: str) -> dict[str, Any]:
        return {"pk": obj.pk, api: obj.pk}

    def made_up(api: str) -> tuple[str, None, dict[str, Any]]:
        return ("made-up", None, {"pk": 999999, api: 999999})

    return {
        "ledger_entry": [("another person's", entry, ids(entry, "entry_id")), made_up("entry_id")],
        "need": [("another department's", need, ids(need, "need_id")), made_up("need_id")],
        "offer": [("another department's", offer, ids(offer, "offer_id")), made_up("offer_id")],
        "match": [("another department's", match, ids(match, "match_id")), made_up("match_id")],
        "survey_round": [
            ("another person's", survey_round, ids(survey_round, "round_id")),
            made_up("round_id"),
        ],
        "rollout": [
            ("another department's", rollout, ids(rollout, "rollout_id")),
            ("deleted", None, {"pk": gone_rollout_pk, "rollout_id": gone_rollout_pk}),
            made_up("rollout_id"),
        ],
        "resource_request": [
            ("a third department's", third_request, ids(third_request, "request_id")),
            ("another person's", it_request, ids(it_request, "request_id")),
            made_up("request_id"),
        ],
        "skill": [("another person's", skill, ids(skill, "skill_id")), made_up("skill_id")],
    }


def _software_world(departments, other_librarian, other_tech) -> dict[str, list]:
    """Software access's objects: a course with a need another librarian entered (its note is
    SECRET), a request to IT for it, a lab image, and a drifted workstation."""
    import datetime as dt

    from django.utils import timezone

    from liaison.places.models import Building, Room
    from liaison.software import services as software
    from liaison.software.models import Course, Image, Need, Permission, Term, Title
    from liaison.tickets.models import Queue

    today = timezone.localdate()
    Queue.objects.create(name="Labs", slug="it-labs", department=departments["it"])
    term = Term.objects.create(
        name="Walk term", slug="walk", starts_on=today + dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=160), needs_deadline=today + dt.timedelta(days=30),
    )  # fmt: skip
    lab = Room.objects.create(building=Building.objects.create(name="Walk hall", code="wh"), name="Lab", kind="lab")
    image = Image.objects.create(name="Walk image", slug="walk-image")
    image.labs.set([lab])
    title = Title.objects.create(name="Walk Stats", slug="walk-stats")
    course = Course.objects.create(term=term, code="WLK 101", name="Walking", department="Walking", enrolment=5)
    need = software.need_create(actor=other_librarian, course=course, title=title, note=SECRET)
    request = software.request_open(actor=other_librarian, need=need, note=SECRET)
    gone = Need.objects.create(course=course, title=Title.objects.create(name="Gone", slug="gone"), needed_by=today)
    gone_pk = gone.pk
    gone.delete()
    software.permissions_ensure_builtin()  # a browser test's flush empties what migration 0002 made
    usb = Permission.objects.get(key="usb_storage")
    software.baseline_create(actor=make_user(Role.SUPERVISOR, username="t_sw_boss"), role="library_staff", grant=[])
    station, _ = software.workstation_upsert(hostname="LIB-WALK", role="library_staff", permissions=[usb])

    def made_up(*names: str) -> tuple[str, None, dict[str, Any]]:
        return ("made-up", None, {name: 999999 for name in names})

    return {
        "software_course": [("another person's", course, {"pk": course.pk}), made_up("pk")],
        "software_need": [
            ("another person's", need, {"pk": need.pk, "need_id": need.pk}),
            ("deleted", None, {"pk": gone_pk, "need_id": gone_pk}),
            made_up("pk", "need_id"),
        ],
        "software_request": [
            ("another person's", request, {"pk": request.pk, "request_id": request.pk}),
            made_up("pk", "request_id"),
        ],
        "software_image": [("shared", image, {"pk": image.pk}), made_up("pk")],
        "software_workstation": [
            ("another person's", station, {"workstation_pk": station.pk, "permission_pk": usb.pk}),
            ("made-up", None, {"workstation_pk": 999999, "permission_pk": usb.pk}),
        ],
    }


def _staffing_world(departments, other_student, joint_desk) -> dict[str, list]:
    """The pool's objects, none of them the callers': another student's pool record (with a
    supervisor's note carrying SECRET), an unavailable date and a training of theirs, a term, a
    solver run, a published shift of theirs on offer, and a draft shift whose reason carries SECRET."""
    import datetime as dt

    from django.utils import timezone

    from liaison.staffing import services as staffing
    from liaison.staffing.models import Schedule, ScheduleRun, Shift, Skill

    it = departments["it"]
    boss = make_user(Role.SUPERVISOR, username="t_pool_boss", department=it)
    start = timezone.localdate() + dt.timedelta(days=7)
    term = staffing.term_create(actor=boss, name="Walk term", starts_on=start, ends_on=start + dt.timedelta(days=60))
    worker = staffing.worker_enrol(actor=boss, user=other_student, paying_department=it)
    staffing.note_add(actor=boss, worker=worker, body=SECRET)
    date = staffing.unavailability_add(actor=boss, worker=worker, term=term, date=start + dt.timedelta(days=3))
    skill = Skill.objects.create(name="Research help", slug="research")
    training = staffing.training_record(
        actor=other_student, worker=worker, skill=skill, completed_on=timezone.localdate()
    )
    schedule = Schedule.objects.get(term=term)
    run = ScheduleRun.objects.create(schedule=schedule, requested_by=boss, status="done", result={"shifts": []})
    shift = Shift.objects.create(
        schedule=schedule, worker=worker, service_point=joint_desk, date=start, start_hour=9, end_hour=12,
        state="published",
    )  # fmt: skip
    draft = Shift.objects.create(
        schedule=schedule, service_point=joint_desk, date=start, start_hour=12, end_hour=14, open_reason=SECRET
    )
    offer = staffing.shift_offer(actor=other_student, shift=shift)

    def made_up(api: str) -> tuple[str, None, dict[str, Any]]:
        return ("made-up", None, {"pk": 999999, api: 999999})

    return {
        "pool_worker": [("another person's", worker, {"pk": worker.pk}), ("made-up", None, {"pk": 999999})],
        "pool_date": [
            ("another person's", date, {"pk": worker.pk, "date_pk": date.pk}),
            ("made-up", None, {"pk": 999999, "date_pk": 999999}),
        ],
        "pool_training": [("another person's", training, {"pk": training.pk}), ("made-up", None, {"pk": 999999})],
        "pool_term": [("the pool's", term, {"pk": term.pk, "term_id": term.pk}), made_up("term_id")],
        "pool_run": [("a supervisor's", run, {"pk": run.pk, "run_id": run.pk}), made_up("run_id")],
        "pool_shift": [
            ("a draft", draft, {"pk": draft.pk, "shift_id": draft.pk}),
            ("another person's", shift, {"pk": shift.pk, "shift_id": shift.pk}),
            made_up("shift_id"),
        ],
        "pool_offer": [("another person's", offer, {"pk": offer.pk, "offer_id": offer.pk}), made_up("offer_id")],
    }


def _labs_world(departments, other_tech, it_queue) -> dict[str, list]:
    """A library printer (its notes carry SECRET), an open incident on it reported by IT, and a
    retired device (staff still see it) and a deleted one."""
    from liaison.labs import services as labs
    from liaison.places.models import Building, Room

    room = Room.objects.create(building=Building.objects.create(name="Library", code="lib"), name="Lab", kind="lab")
    model = labs.asset_model_get_or_create(maker=labs.maker_get_or_create(name="HP"), name="M607", kind="printer")
    asset = labs.asset_create(actor=other_tech, tag="LIB-PR-1", model=model, room=room,
                              owner=departments["library"], notes=SECRET)  # fmt: skip
    incident = labs.fault_report_staff(actor=other_tech, asset=asset, problem="paper_jam", note=SECRET).incident
    gone = labs.asset_create(actor=other_tech, tag="LIB-PR-2", model=model, room=room, owner=departments["it"])
    gone_pk = gone.pk
    gone.delete()
    system = labs.library_system_create(
        actor=other_tech, data={"name": "Link resolver", "known_issues": SECRET, "it_owner": other_tech.pk}
    )
    gone_system = labs.library_system_create(actor=other_tech, data={"name": "Old proxy"})
    gone_system_pk = gone_system.pk
    gone_system.delete()
    return {
        "lab_system": [
            ("IT's", system, {"system_id": system.pk}),
            ("deleted", None, {"system_id": gone_system_pk}),
            ("made-up", None, {"system_id": 999999}),
        ],
        "lab_asset": [
            ("another department's", asset, {"asset_id": asset.pk}),
            ("deleted", None, {"asset_id": gone_pk}),
            ("made-up", None, {"asset_id": 999999}),
        ],
        "lab_incident": [
            ("another person's", incident, {"incident_id": incident.pk}),
            ("made-up", None, {"incident_id": 999999}),
        ],
    }


def _pilots_world() -> dict[str, list]:
    """A pilot between a second IT department and a second library department (so the callers
    are on neither side), running, with a form and an answer whose free text is SECRET; and a
    deleted pilot."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from liaison.accounts.models import Department
    from liaison.pilots import services as pilots

    it2 = Department.objects.create(name="Academic Computing", code="acad-it", kind=Department.Kind.IT)
    library2 = Department.objects.create(name="Law Library", code="law-library", kind=Department.Kind.LIBRARY)
    tech = make_user(Role.IT_STAFF, username="t_acad_it", department=it2)
    librarian = make_user(Role.LIBRARY_STAFF, username="t_law_lib", department=library2)
    today = timezone.localdate()
    pilot = pilots.pilot_propose(
        actor=tech, title="Copier trial", summary=SECRET, it_department=it2, library_department=library2,
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    form = pilots.feedback_form_create(
        actor=tech, pilot=pilot, title="The copier", questions=pilots.parse_question_lines("text [notes]: Thoughts?")
    )
    proposed = pilots.pilot_propose(
        actor=tech, title="Still proposed", summary="x", it_department=it2, library_department=library2,
        starts_on=today, ends_on=today,
    )  # fmt: skip
    pilots.pilot_transition(actor=librarian, pilot=proposed, to_state="agreed")
    pilots.pilot_transition(actor=librarian, pilot=proposed, to_state="running")
    running_form = pilots.feedback_form_create(
        actor=tech, pilot=proposed, title="Running", questions=pilots.parse_question_lines("text [notes]: Thoughts?")
    )
    pilots.response_submit(
        actor=None, form=running_form, audience="student", answers={"notes": SECRET}, token=secrets.token_urlsafe(24)
    )
    gone = pilots.pilot_propose(
        actor=tech, title="Gone", summary="x", it_department=it2, library_department=library2,
        starts_on=today, ends_on=today,
    )  # fmt: skip
    gone_pk = gone.pk
    gone.delete()

    def ids(obj) -> dict[str, Any]:
        return {"pk": obj.pk, "pilot_id": obj.pk}

    return {
        "pilot": [
            ("another department's", pilot, ids(pilot)),
            ("another department's running", proposed, ids(proposed)),
            ("deleted", None, {"pk": gone_pk, "pilot_id": gone_pk}),
            ("made-up", None, {"pk": 999999, "pilot_id": 999999}),
        ],
        "pilot_form": [
            ("another department's", form, {"pk": pilot.pk, "form_id": form.pk}),
            ("another department's running", running_form, {"pk": proposed.pk, "form_id": running_form.pk}),
            ("another pilot's", None, {"pk": proposed.pk, "form_id": form.pk}),
            ("made-up", None, {"pk": pilot.pk, "form_id": 999999}),
        ],
        "public_form": [
            ("on a poster", form, {"code": form.code}),
            ("made-up", None, {"code": "zzzzzz"}),
        ],
    }


def _kwargs(route: Route, spec) -> dict[str, Any]:
    from liaison.tickets.models import Ticket

    if isinstance(spec, Ticket):
        return {"reference": spec.reference, "ticket": str(spec.number)}
    if isinstance(spec, tuple):
        ticket, other = spec
        base = {"reference": ticket.reference, "ticket": str(ticket.number)}
        return {**base, "attachment_id": other, "article_id": other}
    return spec


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    if route.name.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE ")):
        path = route.name.split(" ", 1)[1]
        for key, value in kwargs.items():
            path = path.replace("{" + key + "}", str(value))
        return path
    from django.urls import reverse

    pattern = next(p for _r, name, p in _patterns() if name == route.name)
    wanted = _route_params(pattern)
    return reverse(route.name, kwargs={k: v for k, v in kwargs.items() if k in wanted})


def _patterns():

    out = []
    for route, name, _callback in iter_patterns(get_resolver().url_patterns):
        out.append((route, name, route))
    return out


def _route_params(route: str) -> set[str]:
    import re

    return {m.split(":")[-1] for m in re.findall(r"<([^>]+)>", route)}


@pytest.fixture
def callers(users):
    """Each role signed in; staff also carry a personal API token (tokens are for staff roles;
    a student worker calls the API through their session, as the desk screen does)."""
    from django.test import Client

    from liaison.accounts import policy as account_policy
    from liaison.accounts.services import api_token_create

    out: dict[Any, tuple[Any, Client, str]] = {None: (None, Client(), "")}
    for role in Role.values:
        client = Client()
        client.force_login(users[role])
        plain = ""
        if account_policy.can_use_api_tokens(users[role]):
            _token, plain = api_token_create(actor=users[role], name="walk")
        out[role] = (users[role], client, plain)
    return out


def _send(client, method: str, url: str, token: str, body: Any = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token and url.startswith("/api/") else {}
    if url.startswith("/api/") and token:
        client = type(client)()  # the API is called with the token alone, as integrations do
    if method == "get":
        return client.get(url, **headers)
    if url.startswith("/api/") and body == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
        return client.post(url, data={"file": upload}, **headers)
    if url.startswith("/api/"):
        return getattr(client, method)(url, data=body or {}, content_type="application/json", **headers)
    return getattr(client, method)(url, data=body or {}, **headers)


REFUSED_SIGNED_OUT = {302, 401}
REFUSED = {403, 404}


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_an_object_route_shows_only_what_its_policy_allows(route, world, callers):

    real = next(obj for _v, obj, _s in world[route.subject] if obj is not None)
    for variant, obj, spec in world[route.subject]:
        url = _url(route, _kwargs(route, spec))
        for role in ROLES:
            user, client, token = callers[role]
            response = _send(client, route.method, url, token, route.body)
            where = f"{route.method.upper()} {url} as {role or 'signed out'} ({variant})"
            assert response.status_code < 500, where
            body = b"".join(response.streaming_content) if response.streaming else response.content
            permitted = obj is not None and user is not None and route.allowed(user, obj)
            if route.allowed is _anyone and obj is not None:
                permitted = True
            if permitted:
                continue  # allowed to see or act: any clear answer (200, 201, 302, 400…) will do
            expected = (REFUSED_SIGNED_OUT | REFUSED) if user is None else REFUSED
            if user is not None and not url.startswith("/api/") and route.method != "get":
                expected = REFUSED | {302}  # a page form may refuse by redirecting with a message
            assert response.status_code in expected, f"{where}: {response.status_code}"
            if user is None or not SEES[route.subject](user, real):
                assert SECRET.encode() not in body, f"{where} showed the object's private text"


def test_a_student_worker_cannot_read_a_colleagues_note_through_promote(world, callers):
    """The leak this walk was written for: the promote page used to fetch the entry itself."""
    interaction = world["interaction"][0][1]
    _user, client, token = callers[Role.STUDENT_WORKER]
    page = client.get(f"/tickets/promote/{interaction.client_id}/")
    assert page.status_code == 404 and SECRET not in page.content.decode()
    api = _send(
        client,
        "post",
        f"/api/v1/tickets/promote/{interaction.client_id}",
        token,
        {"queue": "it-help-desk", "subject": "x"},
    )
    assert api.status_code == 404 and SECRET not in api.content.decode()


def test_every_object_route_is_walked():
    walked = {r.name for r in ROUTES}
    missing = []
    for route, name, _p in _patterns():
        if "<" not in route or route.startswith(("admin", "api/")):
            continue
        if name not in walked and name not in NOT_OBJECT_ROUTES:
            missing.append(name)
    from config.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        if "{" not in path:
            continue
        for method in operations:
            name = f"{method.upper()} {path}"
            if name not in walked and name not in NOT_OBJECT_ROUTES:
                missing.append(name)
    assert missing == [], "Add these routes to ROUTES in test_object_access.py: " + ", ".join(missing)
