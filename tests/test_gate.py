"""The passcode gate's limits (graph.data.gate), on a clock the test moves: guessing is slowed per session,
per address and for the server, while the facilitator gets in within seconds and no wait lasts forever."""

from __future__ import annotations

import logging

import pytest

from graph.data.gate import ADDRESS, SERVER, SESSION, PasscodeGate

PASSCODE = "tea-and-biscuits"


class Clock:
    """A clock that moves only when told to. The gate's waits (``sleep``) are recorded, not spent: many
    sessions wait at the same time, each in its own thread."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gate(clock: Clock) -> PasscodeGate:
    return PasscodeGate(clock=clock, wall=clock, sleep=clock.sleep)


def _guess(gate: PasscodeGate, session: str, address: str | None = "10.0.0.9", given: str = "guess"):
    return gate.attempt(given, PASSCODE, session=session, address=address)


def test_one_session_is_slowed_down_twice_as_long_each_time_up_to_five_minutes(gate, clock):
    waits = []
    for _ in range(14):
        answer = _guess(gate, "viewer")
        waits.append(answer.wait)
        clock.now += answer.wait  # wait it out: every guess is compared
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]


def test_a_try_during_a_wait_is_not_compared_and_does_not_make_the_wait_longer(gate, clock):
    for _ in range(12):
        clock.now += _guess(gate, "viewer").wait
    answer = _guess(gate, "viewer")
    assert answer.wait == 300 and not answer.refused_unchecked
    for _ in range(500):  # hammering the whole time
        clock.now += 0.5
        held = _guess(gate, "viewer", given=PASSCODE)
        assert held.refused_unchecked and held.limit == SESSION and not held.opened
    clock.now += 50.5  # 300 s after the last compared try: the wait is over, whatever came in between
    assert _guess(gate, "viewer", given=PASSCODE).opened


def test_a_facilitator_in_a_fresh_session_gets_in_at_once_after_ten_wrong_guesses_from_another(gate, clock):
    for _ in range(30):
        _guess(gate, "viewer")
        clock.now += 1
    assert gate.attempt(PASSCODE, PASSCODE, session="facilitator", address="10.0.0.2").opened
    # ... and from the same address too (a venue's network): there were only 5 compared guesses
    assert gate.attempt(PASSCODE, PASSCODE, session="facilitator-2", address="10.0.0.9").opened
    assert clock.slept == []


def test_reloading_for_fresh_sessions_is_slowed_per_address(gate, clock):
    compared = 0
    for reload in range(400):  # a new session for every three guesses, for 10 minutes
        for _ in range(3):
            answer = _guess(gate, f"reload-{reload}")
            compared += not answer.refused_unchecked
        clock.now += 1.5
    assert compared <= 10 + 600 / 5 + 2  # the burst, then one every 5 s (and what waited its turn)


def test_a_facilitator_gets_in_within_seconds_while_the_same_address_keeps_guessing(gate, clock):
    for reload in range(100):
        for _ in range(3):
            _guess(gate, f"reload-{reload}")
        clock.now += 0.2
    clock.slept.clear()
    answer = gate.attempt(PASSCODE, PASSCODE, session="facilitator", address="10.0.0.9")
    assert answer.opened and 0 < sum(clock.slept) <= gate.queue_seconds  # it waited its turn, then got in
    held = [a for a in gate.attempts() if a.outcome == "refused"]
    assert held and all(a.limit == ADDRESS and a.address == "10.0.0.9" for a in held)


def test_one_address_alone_never_reaches_the_server_wide_limit(gate, clock):
    for reload in range(1000):
        for _ in range(3):
            _guess(gate, f"reload-{reload}", address="10.0.0.9")
        clock.now += 0.1
    clock.slept.clear()
    assert gate.attempt(PASSCODE, PASSCODE, session="facilitator", address="10.0.0.2").opened
    assert clock.slept == []


def test_many_addresses_guessing_together_meet_the_server_wide_limit_which_then_recovers(gate, clock):
    held = []
    for address in range(200):
        answer = _guess(gate, f"s{address}", address=f"10.1.{address // 250}.{address % 250}")
        held.append(answer.limit if answer.refused_unchecked else None)
    assert SERVER in held  # the ceiling holds a distributed guessing back
    clock.now += 120  # the guessing stopped two minutes ago
    clock.slept.clear()
    assert gate.attempt(PASSCODE, PASSCODE, session="facilitator", address="10.0.0.2").opened
    assert clock.slept == []


def test_every_try_is_recorded_and_logged_without_the_passcode_tried(gate, clock, caplog):
    caplog.set_level(logging.INFO, logger="graph.gate")
    for _ in range(4):
        _guess(gate, "viewer", given="my-secret-guess")
    for _ in range(5):
        _guess(gate, "viewer", given="my-secret-guess")  # during the wait: held back
    gate.attempt(PASSCODE, PASSCODE, session="facilitator", address=None)

    seen = [(a.session, a.address, a.outcome, a.count) for a in gate.attempts()]
    assert seen == [
        *[("viewer", "10.0.0.9", "wrong", 1)] * 4,
        ("viewer", "10.0.0.9", "refused", 5),
        ("facilitator", "this computer", "opened", 1),
    ]
    assert gate.wrong_total == 4
    logged = [r.getMessage() for r in caplog.records if r.name == "graph.gate"]
    assert len(logged) == 6 and not [line for line in logged if "secret" in line or PASSCODE in line]


def test_the_gate_forgets_sessions_and_addresses_no_longer_held_back(clock):
    gate = PasscodeGate(clock=clock, wall=clock, sleep=clock.sleep, tracked=50)
    for number in range(1000):
        _guess(gate, f"s{number}", address=f"10.2.{number // 250}.{number % 250}")
        clock.now += 10
    assert len(gate._sessions) <= 51 and len(gate._addresses) <= 51
