"""Learning runs in a process of its own: its answer, its error and its death come back."""

from __future__ import annotations

import os
import signal

import pytest

from gridcommand.desktop.in_process import run_in_process


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
