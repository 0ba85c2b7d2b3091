"""Fenced sections of ``docs/BENCHMARKS.md``: one per measurement, each replaced on its own.

Each is fenced by ``<!-- section:NAME -->`` … ``<!-- /section:NAME -->``; a section
is replaced in place, and the bench, which rewrites the file, carries them over. The
bench's own sections, one per scale (``bench-10000``), are fenced the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

_FENCED = re.compile(r"<!-- section:(?P<name>[\w-]+) -->\n.*?<!-- /section:(?P=name) -->\n", re.S)


def fenced(name: str, body: str) -> str:
    return f"<!-- section:{name} -->\n{body.rstrip()}\n<!-- /section:{name} -->\n"


def kept_sections(text: str) -> str:
    """Every fenced section of ``text``, in order, for a rewrite to append."""
    return "".join(match.group(0) for match in _FENCED.finditer(text))


def replace_section(path: Path, name: str, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = fenced(name, body)
    pattern = re.compile(rf"<!-- section:{name} -->\n.*?<!-- /section:{name} -->\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def split_sections(text: str) -> list[tuple[str, str]]:
    """Every fenced section of ``text`` as ``(name, block)``, in order."""
    return [(match.group("name"), match.group(0)) for match in _FENCED.finditer(text)]
