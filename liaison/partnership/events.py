"""The partnership's events: one function per kind. Each writes the audit row in the
caller's transaction and schedules its side effects after commit (core/events.py).

The partnership keeps no separate history table: its objects carry their own state and
dates (a correction is a new ledger entry, an answered offer keeps who answered and when),
and the audit trail holds who changed what. `EVENT_TEXT` is the one table of wording, read by
the audit actions' descriptions and by the mail that flags an unconsulted rollout.

Privacy: an anonymous survey response writes an audit row about the *round* ("someone
answered"), never naming the response, so the trail cannot tie a person to an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record
from liaison.core.events import EventText, after_commit

if TYPE_CHECKING:
    from liaison.partnership.models import (
        Goal,
        LedgerEntry,
        Match,
        Need,
        Offer,
        ResourceRequest,
        Rollout,
        Skill,
        SkillSession,
        SurveyRound,
    )

EVENT_TEXT = EventText(
    staff={
        "ledger_entry_typed": "{actor} typed a ledger entry: {label}",
        "ledger_entry_corrected": "{actor} corrected a ledger entry: {label}",
        "ledger_derived": "The ledger was brought up to date from the work ({created} new, {updated} updated, {orphaned} orphaned)",
        "goal_posted": "{actor} posted a goal for {department}: {title}",
        "goal_changed": "{actor} changed a goal: {title}",
        "need_posted": "{actor} posted a need for {department}: {title}",
        "need_status_changed": "{actor} marked a need {status}: {title}",
        "offer_made": "{department} offered help with “{title}”",
        "offer_accepted": "{actor} accepted {department}'s offer on “{title}”",
        "offer_declined": "{actor} declined {department}'s offer on “{title}”",
        "match_delivered": "{actor} recorded that {department} delivered help on “{title}”",
        "match_cancelled": "{actor} cancelled the match on “{title}”",
        "survey_round_created": "{actor} set up the survey round {title}",
        "survey_round_opened": "{actor} opened the survey round {title}",
        "survey_round_closed": "{actor} closed the survey round {title}",
        "survey_answered": "Someone answered the survey round {title}",
        "rollout_planned": "{actor} planned a rollout: {title} on {starts_on}",
        "rollout_changed": "{actor} changed the rollout {title}",
        "rollout_consulted": "{actor} recorded the library's consultation on {title}",
        "rollout_flagged": (
            "“{title}” ({change_kind}) starts on {starts_on} and the library has not been consulted. "
            "Expected effect on library spaces and services: {effect}"
        ),
        "calendar_link_made": "{actor} made a new rollout calendar link",
        "resource_requested": "{actor} asked the library for {kind}: {title}",
        "resource_triaged": "{actor} took on the request {title}",
        "resource_fulfilled": "{actor} fulfilled the request {title}",
        "resource_declined": "{actor} declined the request {title}",
        "skill_listed": "{actor} can teach {title}",
        "skill_changed": "{actor} changed the skill {title}",
        "skill_session_recorded": "{actor} recorded a session of {title} for {department}",
    },
    public={},
)


def _audit(actor: Any, action: str, obj: Any = None, **kwargs: Any) -> None:
    audit_record(actor=actor, action=f"partnership.{action}", obj=obj, **kwargs)


# --- The ledger ------------------------------------------------------------------------------------


def ledger_entry_typed(*, entry: LedgerEntry, actor: Any) -> None:
    _audit(
        actor,
        "ledger_entry_typed",
        entry,
        after={
            "kind": entry.kind,
            "direction": entry.direction,
            "giver": entry.giver_id,
            "receiver": entry.receiver_id,
            "count": entry.count,
            "hours": str(entry.hours) if entry.hours is not None else None,
            "occurred_on": entry.occurred_on.isoformat(),
        },
    )


def ledger_entry_corrected(*, entry: LedgerEntry, corrected: LedgerEntry, actor: Any) -> None:
    _audit(
        actor,
        "ledger_entry_corrected",
        entry,
        before={"entry": corrected.pk, "count": corrected.count, "hours": str(corrected.hours)},
        after={"entry": entry.pk, "count": entry.count, "hours": str(entry.hours), "note": entry.note[:200]},
    )


def ledger_derived(*, actor: Any, totals: dict[str, int], window: tuple[str, str]) -> None:
    """Only a run someone started by hand is audited; the scheduled job logs instead."""
    if actor is None:
        return
    _audit(
        actor,
        "ledger_derived",
        object_type="partnership.ledgerentry",
        object_repr="ledger derivation",
        after={**totals, "start": window[0], "end": window[1]},
    )


# --- Goals, needs, offers, matches ------------------------------------------------------------------


def goal_posted(*, goal: Goal, actor: Any) -> None:
    _audit(actor, "goal_posted", goal, after={"department": goal.department_id, "year": goal.year})


def goal_changed(*, goal: Goal, actor: Any, before: dict[str, Any]) -> None:
    _audit(actor, "goal_changed", goal, before={k: str(v) for k, v in before.items()})


def need_posted(*, need: Need, actor: Any) -> None:
    _audit(actor, "need_posted", need, after={"department": need.department_id})


def need_status_changed(*, need: Need, actor: Any, previous: str) -> None:
    _audit(actor, "need_status_changed", need, before={"status": previous}, after={"status": need.status})


def offer_made(*, offer: Offer, actor: Any) -> None:
    _audit(actor, "offer_made", offer, after={"need": offer.need_id, "department": offer.department_id})


def offer_answered(*, offer: Offer, actor: Any) -> None:
    _audit(actor, f"offer_{offer.status}", offer, after={"status": offer.status})


def match_delivered(*, match: Match, actor: Any) -> None:
    _audit(
        actor,
        "match_delivered",
        match,
        after={"delivered_on": str(match.delivered_on), "hours": str(match.hours) if match.hours else None},
    )


def match_cancelled(*, match: Match, actor: Any) -> None:
    _audit(actor, "match_cancelled", match, after={"status": match.status})


# --- The survey ---------------------------------------------------------------------------------------


def survey_round_changed(*, survey_round: SurveyRound, actor: Any, kind: str) -> None:
    _audit(actor, kind, survey_round, after={"status": survey_round.status})


def survey_answered(*, survey_round: SurveyRound, actor: Any, anonymous: bool) -> None:
    # About the round, never the response: the trail must not tie a person to an answer.
    _audit(actor, "survey_answered", survey_round, after={"anonymous": anonymous})


# --- Rollouts ------------------------------------------------------------------------------------------


def rollout_planned(*, rollout: Rollout, actor: Any) -> None:
    _audit(actor, "rollout_planned", rollout, after={"starts_on": str(rollout.starts_on), "kind": rollout.kind})


def rollout_changed(*, rollout: Rollout, actor: Any, before: dict[str, Any]) -> None:
    _audit(
        actor,
        "rollout_changed",
        rollout,
        before={k: str(v) for k, v in before.items()},
        after={k: str(getattr(rollout, k)) for k in before},
    )


def rollout_consulted(*, rollout: Rollout, actor: Any) -> None:
    _audit(actor, "rollout_consulted", rollout, after={"consulted_on": str(rollout.consulted_on)})


def rollout_flagged(*, rollout: Rollout, recipients: list[str]) -> None:
    """A system job: no actor. Both sides are told by mail after commit."""
    from liaison.partnership import tasks

    _audit(None, "rollout_flagged", rollout, after={"recipients": len(recipients)})
    if not recipients:
        return
    text = EVENT_TEXT.render(
        "rollout_flagged",
        title=rollout.title,
        change_kind=rollout.get_kind_display(),
        starts_on=f"{rollout.starts_on:%A %-d %B %Y}",
        effect=rollout.effect_on_library,
    )
    subject = f"Not yet consulted: {rollout.title} ({rollout.starts_on:%-d %b})"
    after_commit(tasks.send_rollout_flag_mail, subject=subject[:180], body=text, recipients=recipients)


def calendar_link_made(*, actor: Any) -> None:
    _audit(actor, "calendar_link_made", object_type="partnership.calendarfeedtoken", object_repr=str(actor))


# --- Resource requests -------------------------------------------------------------------------------


def resource_request_changed(*, request: ResourceRequest, actor: Any, kind: str) -> None:
    _audit(actor, kind, request, after={"status": request.status})


# --- Skills ----------------------------------------------------------------------------------------------


def skill_changed(*, skill: Skill, actor: Any, kind: str) -> None:
    _audit(actor, kind, skill, after={"title": skill.title, "active": skill.is_active})


def skill_session_recorded(*, session: SkillSession, actor: Any) -> None:
    _audit(
        actor,
        "skill_session_recorded",
        session,
        after={"skill": session.skill_id, "hours": str(session.hours), "attendees": session.attendees},
    )
