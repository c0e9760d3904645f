"""Asking network printers how they are, over IPP (Get-Printer-Attributes), with `pyipp`
(ADR 0057). No database here: `ask_printers` takes addresses and gives answers; the services
turn answers into incidents (`services.printers_poll`).

Every printer is asked at once, at most `concurrency` at a time, each under one hard deadline
(`timeout` seconds for connecting, sending and reading the whole answer): a printer that does
not answer, answers garbage or hangs half-way is "no signal", and never holds up the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from pyipp import IPP
from pyipp.enums import IppOperation
from pyipp.exceptions import IPPConnectionError, IPPError, IPPParseError, IPPResponseError

logger = logging.getLogger(__name__)

ASKED = ["printer-state", "printer-state-reasons", "printer-state-message"]
SEVERITY_SUFFIXES = ("-error", "-warning", "-report")

# What a reason keyword means for the people in the lab, by its meaning and not its severity
# suffix (ADR 0057: ippeveprinter and many real printers send "media-empty-report" for an empty
# tray that stops the job). Each maps to a problem code per kind (models.PROBLEMS).
FAULT_REASONS: dict[str, dict[str, str]] = {
    "media-empty": {"printer": "out_of_paper", "copier": "out_of_paper", "label_printer": "out_of_labels"},
    "media-needed": {"printer": "out_of_paper", "copier": "out_of_paper", "label_printer": "out_of_labels"},
    "media-jam": {"printer": "paper_jam", "copier": "paper_jam", "label_printer": "labels_jam"},
    "toner-empty": {"printer": "out_of_toner", "copier": "out_of_toner", "label_printer": "out_of_ribbon"},
    "marker-supply-empty": {"printer": "out_of_toner", "copier": "out_of_toner", "label_printer": "out_of_ribbon"},
    "door-open": {},
    "cover-open": {},
    "output-area-full": {},
    "input-tray-missing": {},
    "fuser-over-temp": {},
    "marker-waste-full": {},
    "spool-area-full": {},
    "shutdown": {},
}
# Worth showing to staff, not an outage: the printer still prints.
WARNING_REASONS = {"media-low", "toner-low", "marker-supply-low", "marker-waste-almost-full", "developer-low"}

READABLE = {
    "media-empty": "out of paper",
    "media-needed": "needs paper",
    "media-jam": "paper jam",
    "toner-empty": "out of toner",
    "marker-supply-empty": "out of ink or toner",
    "door-open": "a door is open",
    "cover-open": "a cover is open",
    "output-area-full": "the output tray is full",
    "input-tray-missing": "a paper tray is missing",
    "media-low": "paper low",
    "toner-low": "toner low",
    "marker-supply-low": "ink or toner low",
    "stopped": "stopped",
}


@dataclass(frozen=True)
class Answer:
    """What one printer said. `answered` False is "no signal" and `error` says why."""

    asset_id: int
    answered: bool
    state: str = ""  # idle, processing, stopped
    reasons: tuple[str, ...] = ()  # keywords without their severity suffix, "none" dropped
    message: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def faults(self) -> list[str]:
        found = [r for r in self.reasons if r in FAULT_REASONS]
        if self.state == "stopped" and not found:
            found.append("stopped")
        return found

    @property
    def warnings(self) -> list[str]:
        return [r for r in self.reasons if r in WARNING_REASONS]

    def problem_for(self, kind: str) -> str:
        """The problem code an incident opened from this answer carries."""
        for reason in self.faults:
            code = FAULT_REASONS.get(reason, {}).get(kind)
            if code:
                return code
        return "other"

    def describe(self) -> str:
        """'media-empty (out of paper), toner-low (toner low)': for the incident's note."""
        words = [f"{r} ({READABLE[r]})" if r in READABLE else r for r in (*self.faults, *self.warnings)]
        return ", ".join(words) or "none"


@dataclass
class PollTarget:
    asset_id: int
    address: str


@dataclass
class PollOptions:
    timeout: float = 5.0
    concurrency: int = 10
    user_agent: str = "Liaison labs poller"
    extra: dict = field(default_factory=dict)


def printer_uri(address: str) -> str:
    """An asset's address as the printer's IPP URI: a bare host gets ipp://host:631/ipp/print;
    http(s):// becomes ipp(s)://; a URL without a path gets /ipp/print."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"ipp://{text}")
    scheme = {"http": "ipp", "https": "ipps"}.get(parts.scheme, parts.scheme or "ipp")
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = parts.port or 631
    path = parts.path if parts.path not in ("", "/") else "/ipp/print"
    return f"{scheme}://{host}:{port}{path}"


def _keywords(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        word = str(item).strip().lower()
        for suffix in SEVERITY_SUFFIXES:
            if word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        if word and word != "none" and word not in out:
            out.append(word)
    return tuple(out)


STATE_NAMES = {3: "idle", 4: "processing", 5: "stopped"}


def _state(value) -> str:
    if isinstance(value, int):
        return STATE_NAMES.get(int(value), "")
    text = str(value or "").strip().lower()
    return text if text in STATE_NAMES.values() else ""


def _answer_from(asset_id: int, parsed: dict, seconds: float) -> Answer:
    printers = parsed.get("printers") or []
    attributes = printers[0] if printers else {}
    state = _state(attributes.get("printer-state"))
    if not state:
        return Answer(asset_id, False, error="The answer had no printer-state.", seconds=seconds)
    message = attributes.get("printer-state-message") or ""
    return Answer(asset_id, True, state=state, reasons=_keywords(attributes.get("printer-state-reasons")),
                  message=str(message)[:200], seconds=seconds)  # fmt: skip


async def _ask(target: PollTarget, session: aiohttp.ClientSession, options: PollOptions) -> Answer:
    loop = asyncio.get_running_loop()
    began = loop.time()

    def no_signal(why: str) -> Answer:
        return Answer(target.asset_id, False, error=why, seconds=round(loop.time() - began, 3))

    try:
        # One deadline for the whole exchange: pyipp's own timeout covers connecting and the
        # answer's headers, not reading its body, so a printer that stalls half-way would hang.
        async with asyncio.timeout(options.timeout):
            client = IPP(host=printer_uri(target.address), session=session, request_timeout=int(options.timeout) + 1,
                         user_agent=options.user_agent)  # fmt: skip
            parsed = await client.execute(
                IppOperation.GET_PRINTER_ATTRIBUTES,
                {"operation-attributes-tag": {"requested-attributes": ASKED}},
            )
    except TimeoutError:
        return no_signal(f"No answer within {options.timeout:g} seconds.")
    except IPPParseError:
        return no_signal("It answered, but not in IPP.")
    except IPPResponseError as exc:
        return no_signal(f"It refused the request ({exc}).")
    except IPPConnectionError:
        return no_signal("Could not connect.")
    except IPPError as exc:
        return no_signal(f"It answered with an IPP error ({exc.__class__.__name__}).")
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        return no_signal(f"Could not connect ({exc.__class__.__name__}).")
    except Exception:  # a broken answer must never stop the other printers' polls
        logger.exception("Asking printer %s (asset %s) failed unexpectedly.", target.address, target.asset_id)
        return no_signal("Its answer could not be read.")
    return _answer_from(target.asset_id, parsed, round(loop.time() - began, 3))


async def _ask_all(targets: list[PollTarget], options: PollOptions) -> list[Answer]:
    bound = asyncio.Semaphore(max(1, options.concurrency))
    connector = aiohttp.TCPConnector(limit=max(1, options.concurrency), force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(target: PollTarget) -> Answer:
            async with bound:
                return await _ask(target, session, options)

        return list(await asyncio.gather(*(one(t) for t in targets)))


def ask_printers(targets: Iterable[PollTarget], options: PollOptions | None = None) -> list[Answer]:
    """Ask every printer (concurrently, bounded, each under a hard deadline); one answer each,
    in order. Runs its own event loop, so call it from synchronous code (a command, a task)."""
    targets = list(targets)
    if not targets:
        return []
    options = options or PollOptions()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_ask_all(targets, options))
    # Called where an event loop already runs in this thread (an async caller; Playwright's
    # sync API in the browser tests): run ours in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _ask_all(targets, options)).result()
