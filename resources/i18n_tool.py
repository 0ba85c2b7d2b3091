"""Keeps the Qt translations in step with the code (a developer tool, not run by the app).

``python -m gridcommand.resources.i18n_tool update`` re-extracts every tr() string
of the package into ``i18n/gridcommand_zh_CN.ts`` (keeping existing translations)
and compiles the ``.qm`` the application loads. Translators edit the ``.ts`` with
Qt Linguist; a test fails when a UI string has no Chinese translation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
I18N = Path(__file__).resolve().parent / "i18n"
SOURCE_DIRS = ("desktop", "widgets", "maps", "resources")
LANGUAGES = ("zh_CN",)


def sources() -> list[str]:
    return sorted(str(p) for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py"))


def ts_path(language: str) -> Path:
    return I18N / f"gridcommand_{language}.ts"


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found; install PySide6.")
    return found


def update(ts_files: list[Path] | None = None) -> None:
    targets = ts_files or [ts_path(lang) for lang in LANGUAGES]
    for ts in targets:
        # -no-obsolete: a string the code no longer has leaves the .ts; its Chinese stays
        # in the glossary, which fills it again if it comes back (or moves context).
        subprocess.run(
            [tool("lupdate"), "-locations", "none", "-no-obsolete", *sources(), "-ts", str(ts)],
            check=True,
            capture_output=True,
        )


def fill_from_glossary(language: str) -> list[str]:
    """Translate unfinished messages whose English source the glossary knows.

    Returns the sources still untranslated, for the developer to add.
    """
    glossary_path = I18N / f"glossary_{language}.json"
    glossary: dict[str, str] = json.loads(glossary_path.read_text(encoding="utf-8"))
    tree = ElementTree.parse(ts_path(language))
    missing: list[str] = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        if translation.get("type") == "unfinished":
            text = glossary.get(source)
            if text is None:
                missing.append(source)
                continue
            del translation.attrib["type"]
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                ElementTree.SubElement(translation, "numerusform").text = text
            else:
                translation.text = text
    tree.write(ts_path(language), encoding="utf-8", xml_declaration=True)
    return missing


def release() -> None:
    for language in LANGUAGES:
        ts = ts_path(language)
        qm = ts.with_suffix(".qm")
        subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        update()
        for language in LANGUAGES:
            for source in fill_from_glossary(language):
                print(f"untranslated ({language}): {source}", file=sys.stderr)
        release()
    elif command == "release":
        release()
    else:
        print("usage: python -m gridcommand.resources.i18n_tool [update|release]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
