"""The facilitator's passcode gate: editing is possible only with the configured passcode, and
wrong guesses are slowed down and logged (never the guess itself)."""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


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


@dataclass(frozen=True)
class GateAnswer:
    """What the gate said: ``opened``, or not; ``wait`` seconds before the next try is even looked at."""

    opened: bool
    wait: float = 0.0
    refused_unchecked: bool = False  # the try came during a wait or lockout, so it was not compared


class PasscodeGate:
    """A limit on wrong passcodes for the whole process (every browser session of the app shares it).

    The first ``free_tries`` wrong passcodes in a row cost nothing; each one after that makes the next
    try wait twice as long (2 s, 4 s, 8 s...); ``lockout_after`` in a row lock the gate for
    ``lockout_seconds``, and every further wrong one locks it again, until the right one is given.
    A try during a wait is refused without being compared. Wrong tries are logged, never the guess.
    Sessions already unlocked stay unlocked.

    >>> now = [0.0]
    >>> gate = PasscodeGate(clock=lambda: now[0])
    >>> [gate.attempt("guess", "tea").wait for _ in range(4)]
    [0.0, 0.0, 0.0, 2.0]
    >>> gate.attempt("tea", "tea").opened  # within the wait: not even compared
    False
    >>> now[0] = 2.0
    >>> gate.attempt("tea", "tea").opened
    True
    """

    def __init__(
        self,
        *,
        free_tries: int = 3,
        lockout_after: int = 10,
        lockout_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free_tries, self.lockout_after, self.lockout_seconds = free_tries, lockout_after, lockout_seconds
        self.clock = clock
        self._guard = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._guard:
            self._wrong = 0
            self._not_before = -math.inf

    def attempt(self, given: str, configured: str | None) -> GateAnswer:
        """Compare ``given`` with the configured passcode, if the gate is taking tries now."""
        with self._guard:
            now = self.clock()
            if now < self._not_before:
                return GateAnswer(False, self._not_before - now, refused_unchecked=True)
            if check_passcode(given, configured):
                self._wrong, self._not_before = 0, -math.inf
                return GateAnswer(True)
            self._wrong += 1
            if self._wrong >= self.lockout_after:
                wait = self.lockout_seconds
            elif self._wrong > self.free_tries:
                wait = 2.0 ** (self._wrong - self.free_tries)
            else:
                wait = 0.0
            self._not_before = now + wait
            _GATE_LOG.warning(
                "wrong facilitator passcode (%d in a row); the next try is taken in %g s", self._wrong, wait
            )
            return GateAnswer(False, wait)


_GATE_LOG = logging.getLogger("graph.gate")
