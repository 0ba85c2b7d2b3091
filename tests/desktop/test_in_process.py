"""Learning runs in a process of its own: its answer, its error and its death come back."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from gridcommand.desktop.in_process import SLICE, end_children, run_in_process


def _fails() -> None:
    raise ValueError("no closed case")


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_work_runs_in_another_process_and_its_answer_comes_back() -> None:
    assert run_in_process(os.getpid) != os.getpid()
    assert run_in_process(sorted, [3, 1, 2]) == [1, 2, 3]


def test_the_child_s_error_is_raised_here_with_its_words() -> None:
    with pytest.raises(RuntimeError, match="ValueError: no closed case"):
        run_in_process(_fails)


def test_a_child_that_dies_is_an_error_not_a_wait() -> None:
    with pytest.raises(RuntimeError, match="exit code -9"):
        run_in_process(_dies)


def test_the_child_runs_at_a_lower_priority() -> None:
    assert run_in_process(os.nice, 0) == os.nice(0) + 10


def _echo_lengths(numbers: list[int], words: list[str], n: int) -> tuple[list[int], int, list[str]]:
    return numbers[::-1], n + len(numbers), words


def test_long_lists_cross_in_slices_and_arrive_whole_and_in_order() -> None:
    numbers = list(range(SLICE * 3 + 7))
    words = ["网格"] * (SLICE + 1)
    back, total, same = run_in_process(_echo_lengths, numbers, words, 5, niceness=0)
    assert back == numbers[::-1]
    assert total == 5 + len(numbers)
    assert same == words
    assert run_in_process(list, range(3)) == [0, 1, 2]
    assert run_in_process(tuple, [1, 2]) == (1, 2)


def _sleep_long() -> float:
    time.sleep(600)
    return 600.0


def test_a_closing_window_ends_the_children_still_working() -> None:
    outcome: list[BaseException | float] = []

    def wait_for_a_long_sleep() -> None:
        try:
            outcome.append(run_in_process(_sleep_long))
        except RuntimeError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=wait_for_a_long_sleep)
    caller.start()
    deadline = time.monotonic() + 30
    while end_children() == 0:  # until the child is running, then once more
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    caller.join(30)
    assert not caller.is_alive(), "the caller still waits for its ended child"
    assert isinstance(outcome[0], RuntimeError) and "exit code" in str(outcome[0])
    assert end_children() == 0
