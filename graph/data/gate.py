"""The facilitator's passcode gate: editing is possible only with the configured passcode; wrong guesses are
slowed down per browser session, per client address and for the whole server, and logged (never the guess)."""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


def editing_enabled(configured: str | None) -> bool:
    """Editing is possible only when a (non-blank) passcode is configured.

    >>> editing_enabled(None), editing_enabled("  "), editing_enabled("tea-and-biscuits")
    (False, False, True)
    """
    return bool(configured and configured.strip())


def check_passcode(given: str, configured: str | None) -> bool:
    """Whether ``given`` is the configured passcode (constant-time compare); False when none is configured.

    >>> check_passcode("tea", "tea"), check_passcode("Tea", "tea"), check_passcode("tea", None)
    (True, False, False)
    """
    if configured is None or not editing_enabled(configured) or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


SESSION, ADDRESS, SERVER = "session", "address", "server"
SEVERAL = "several pages"  # held-back tries from one address, counted together
THIS_COMPUTER = "this computer"  # the address of a browser on the server's own machine (Streamlit gives none)


@dataclass(frozen=True)
class GateAnswer:
    """What the gate said: ``opened``, or not; ``wait`` seconds before the next try is even looked at.

    ``refused_unchecked``: the try came while a limit was holding tries back, so it was not compared;
    ``limit`` says which one (``session``, ``address`` or ``server``).
    """

    opened: bool
    wait: float = 0.0
    refused_unchecked: bool = False
    limit: str = SESSION


@dataclass
class Attempt:
    """One try at the passcode, as the facilitator sees it afterwards (never the passcode tried).

    ``outcome`` is ``opened``, ``wrong`` or ``refused`` (held back unchecked; ``count`` such tries in a row).
    """

    time: float  # seconds since the epoch
    session: str
    address: str
    outcome: str
    count: int = 1
    limit: str = ""


@dataclass
class _Session:
    wrong: int = 0
    not_before: float = -math.inf


@dataclass
class _Bucket:
    """A rate limit that lets ``burst`` tries through at once, then one every ``every`` seconds.

    A try may book the next free place ahead of time (the level goes below zero): tries are taken in
    the order they came, so a steady stream of guesses cannot keep another try out.
    """

    burst: float
    every: float
    level: float = field(default=math.nan)
    at: float = 0.0

    def wait(self, now: float) -> float:
        """How long a try made now waits for its place."""
        self._fill(now)
        return 0.0 if self.level >= 1 else (1 - self.level) * self.every

    def take(self, now: float) -> None:
        self._fill(now)
        self.level -= 1

    def give_back(self, now: float) -> None:
        self._fill(now)
        self.level = min(self.burst, self.level + 1)

    def at_rest(self, now: float) -> bool:
        self._fill(now)
        return self.level >= self.burst

    def _fill(self, now: float) -> None:
        if math.isnan(self.level):
            self.level, self.at = self.burst, now
        self.level = min(self.burst, self.level + (now - self.at) / self.every)
        self.at = now


class PasscodeGate:
    """Limits on wrong passcodes, shared by every browser session of this server process.

    - **Per browser session**: the first ``free_tries`` wrong passcodes in a row cost nothing; each one
      after that makes the session's next try wait twice as long (2 s, 4 s, 8 s...), at most
      ``longest_wait``. A try during the wait is refused without being compared and does not make the
      wait longer, so a wait always ends.
    - **Per client address**: ``address_burst`` tries at once, then one every ``address_every`` seconds,
      whatever the number of sessions (a reload is a new session).
    - **The whole server**: ``server_burst`` tries at once, then one every ``server_every`` seconds: far
      above what one address may try, so one viewer cannot reach it alone.

    A try the address or server limit holds back for at most ``queue_seconds`` waits for its place (in the
    order tries came) and is then compared: a facilitator in a fresh session gets in within seconds, even
    while someone else is guessing from the same address. Every try is recorded (``attempts``) and
    logged, never the passcode tried. Sessions already unlocked stay unlocked.

    >>> now = [0.0]
    >>> gate = PasscodeGate(clock=lambda: now[0], sleep=lambda s: None)
    >>> [gate.attempt("guess", "tea", session="a").wait for _ in range(4)]
    [0.0, 0.0, 0.0, 2.0]
    >>> gate.attempt("tea", "tea", session="a").opened  # within that session's wait: not even compared
    False
    >>> gate.attempt("tea", "tea", session="b").opened  # another session is not held back
    True
    >>> now[0] = 2.0
    >>> gate.attempt("tea", "tea", session="a").opened
    True
    """

    def __init__(
        self,
        *,
        free_tries: int = 3,
        longest_wait: float = 300.0,
        address_burst: int = 10,
        address_every: float = 5.0,
        server_burst: int = 60,
        server_every: float = 1.0,
        queue_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        remembered: int = 200,
        tracked: int = 10_000,
    ):
        self.free_tries, self.longest_wait, self.queue_seconds = free_tries, longest_wait, queue_seconds
        self.address_burst, self.address_every = address_burst, address_every
        self.server_burst, self.server_every = server_burst, server_every
        self.clock, self.wall, self.sleep = clock, wall, sleep
        self.remembered, self.tracked = remembered, tracked
        self._guard = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._guard:
            self._sessions: dict[str, _Session] = {}
            self._addresses: dict[str, _Bucket] = {}
            self._server = _Bucket(self.server_burst, self.server_every)
            self._attempts: deque[Attempt] = deque(maxlen=self.remembered)
            self._wrong_total = 0

    def attempt(self, given: str, configured: str | None, *, session: str, address: str | None = None) -> GateAnswer:
        """Compare ``given`` with the configured passcode, if the limits let this try through now.

        ``session`` names the browser session (any string private to it); ``address`` is the client's
        address (None: this computer). May wait up to ``queue_seconds`` for the try's place.
        """
        where = address or THIS_COMPUTER
        with self._guard:
            now = self.clock()
            held = self._session(session, now)
            if now < held.not_before:
                return self._refused(session, where, SESSION, held.not_before - now)
            bucket = self._address(where, now)
            waits = {ADDRESS: bucket.wait(now), SERVER: self._server.wait(now)}
            limit = max(waits, key=waits.__getitem__)
            if waits[limit] > self.queue_seconds:
                return self._refused(session, where, limit, waits[limit])
            bucket.take(now)
            self._server.take(now)
        if waits[limit] > 0:
            self.sleep(waits[limit])
        opened = check_passcode(given, configured)
        with self._guard:
            now = self.clock()
            held = self._session(session, now)
            if opened:
                held.wrong, held.not_before = 0, -math.inf
                self._address(where, now).give_back(now)  # the facilitator's own try costs no one a place
                self._server.give_back(now)
                self._record(Attempt(self.wall(), session, where, "opened"))
                _GATE_LOG.info("facilitator passcode accepted (session %s, from %s)", session, where)
                return GateAnswer(True)
            held.wrong += 1
            self._wrong_total += 1
            wait = (
                0.0 if held.wrong <= self.free_tries else min(2.0 ** (held.wrong - self.free_tries), self.longest_wait)
            )
            held.not_before = now + wait
            self._record(Attempt(self.wall(), session, where, "wrong"))
            _GATE_LOG.warning(
                "wrong facilitator passcode (session %s, from %s: %d in a row); its next try is taken in %g s",
                session,
                where,
                held.wrong,
                wait,
            )
            return GateAnswer(False, wait)

    def attempts(self) -> list[Attempt]:
        """The latest tries (at most ``remembered``), oldest first."""
        with self._guard:
            return [Attempt(**vars(a)) for a in self._attempts]

    @property
    def wrong_total(self) -> int:
        """Wrong passcodes since the server started (or the gate was reset)."""
        return self._wrong_total

    # ---- inside the guard

    def _refused(self, session: str, where: str, limit: str, wait: float) -> GateAnswer:
        last = self._attempts[-1] if self._attempts else None
        if last and (last.address, last.outcome, last.limit) == (where, "refused", limit):
            last.count += 1  # one line for a run of held-back tries from one address, however many pages
            last.time = self.wall()
            last.session = last.session if last.session == session else SEVERAL
        else:
            self._record(Attempt(self.wall(), session, where, "refused", limit=limit))
            _GATE_LOG.warning(
                "facilitator passcode tries held back by the %s limit (session %s, from %s) for %g s",
                limit,
                session,
                where,
                math.ceil(wait),
            )
        return GateAnswer(False, wait, refused_unchecked=True, limit=limit)

    def _record(self, attempt: Attempt) -> None:
        self._attempts.append(attempt)

    def _session(self, session: str, now: float) -> _Session:
        found = self._sessions.get(session)
        if found is None:
            if len(self._sessions) >= self.tracked:  # forget sessions no longer held back
                self._sessions = {k: s for k, s in self._sessions.items() if s.not_before > now}
            found = self._sessions[session] = _Session()
        return found

    def _address(self, where: str, now: float) -> _Bucket:
        found = self._addresses.get(where)
        if found is None:
            if len(self._addresses) >= self.tracked:  # forget addresses whose limit is back at rest
                self._addresses = {k: b for k, b in self._addresses.items() if not b.at_rest(now)}
            found = self._addresses[where] = _Bucket(self.address_burst, self.address_every)
        return found


_GATE_LOG = logging.getLogger("graph.gate")
