"""Argument types shared by the subcommands: a bad value is one clear sentence from argparse."""

from __future__ import annotations

import argparse


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not a positive number")
    return number


def number(value: str) -> float:
    try:
        result = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if result != result:  # NaN
        raise argparse.ArgumentTypeError("NaN is not a number here")
    return result


def positive(value: str) -> float:
    result = number(value)
    if result <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return result


def non_negative(value: str) -> float:
    result = number(value)
    if result < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return result


def share(value: str) -> float:
    result = number(value)
    if not 0 <= result <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share between 0 and 1")
    return result
