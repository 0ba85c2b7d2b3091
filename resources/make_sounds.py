"""Regenerates the alarm sounds in ``sounds/`` (run by hand; the WAVs are committed).

The emergency alarm is a two-tone siren (960 Hz / 770 Hz, like a European
emergency vehicle) that cuts through room noise without being a shrill beep; the
new-alert chime is a short soft double tone for ordinary reports.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050


def _tone(freq: float, seconds: float, volume: float) -> list[float]:
    n = int(RATE * seconds)
    fade = int(RATE * 0.01)
    out = []
    for i in range(n):
        envelope = min(1.0, i / fade, (n - i) / fade)
        out.append(volume * envelope * math.sin(2 * math.pi * freq * i / RATE))
    return out


def _write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


def main() -> None:
    here = Path(__file__).parent / "sounds"
    here.mkdir(exist_ok=True)
    siren: list[float] = []
    for _ in range(2):
        siren += _tone(960, 0.35, 0.8) + _tone(770, 0.35, 0.8)
    _write(here / "emergency.wav", siren)
    _write(
        here / "new_alert.wav", _tone(880, 0.12, 0.4) + _tone(0, 0.05, 0) + _tone(1175, 0.18, 0.4)
    )


if __name__ == "__main__":
    main()
