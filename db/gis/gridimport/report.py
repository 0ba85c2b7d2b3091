"""What the import did (or, in a dry run, would do), per grid, on screen and as JSON.

"Updated" said nothing: an unchanged grid and one moved 620 m looked the same.
So each grid gets one outcome (added, unchanged, changed, refused) with the
details an operator acts on: which attributes changed from what to what, how far
the boundary moved or how its area changed, how a broken drawing was repaired.
The exit code follows from it: 0 all imported, 3 imported with refusals, 2 nothing
written (a file that cannot be used raises before a report exists; also exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridcommand.db.gis.gridimport.checker import Refusal
from gridcommand.db.gis.gridimport.compare import GeometryChange, Planned
from gridcommand.db.gis.gridimport.overlaps import Gap, Overlap
from gridcommand.db.gis.gridimport.regions import NewRegion

EXIT_OK = 0
EXIT_NOTHING_WRITTEN = 2
EXIT_REFUSALS = 3
#: Stored grids named per imported grid on screen; the JSON report lists them all.
SHOWN_PER_GRID = 4
#: Added grids named on screen: a first import of 3,000 grids is not 3,000 findings.
SHOWN_ADDED = 10


@dataclass
class ImportReport:
    """Everything the operator is told; nothing is dropped without a line here."""

    file: str
    format: str
    features: int
    crs: str
    crs_source: str
    columns: dict[str, str]
    not_carried: list[str]
    replace: bool = False
    dry_run: bool = False
    planned: list[Planned] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    regions: list[NewRegion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # -- for callers and tests ------------------------------------------------------------
    def codes(self, outcome: str) -> list[str]:
        return [p.grid.code for p in self.planned if p.outcome == outcome]

    def grid(self, code: str) -> Planned:
        return next(p for p in self.planned if p.grid.code == code)

    @property
    def exit_code(self) -> int:
        if not self.planned:
            return EXIT_NOTHING_WRITTEN
        return EXIT_REFUSALS if self.refused else EXIT_OK

    # -- on screen --------------------------------------------------------------------------
    def lines(self) -> list[str]:
        w = _Words(self.dry_run)
        counts = {k: len(self.codes(k)) for k in ("added", "changed", "unchanged")}
        repaired = [p for p in self.planned if p.grid.repaired]
        out = [
            f"Read {self.file} ({self.format}, {self.features} features) in {self.crs}, "
            f"{self.crs_source}.",
            "Mapping: "
            + ", ".join(f"{t} ← {f}" for t, f in self.columns.items())
            + (
                "; not in the file: "
                + ", ".join(self.not_carried)
                + f" ({w.cleared if self.replace else w.kept} on grids already stored)"
                if self.not_carried
                else ""
            )
            + ".",
            f"{counts['added']} grids {w.added}, {counts['changed']} {w.changed}, "
            f"{counts['unchanged']} unchanged, {len(self.refused)} refused, "
            f"{len(repaired)} repaired.",
        ]
        added = self.codes("added")
        out += [f"{w.verb('add')} {code}" for code in added[:SHOWN_ADDED]]
        if len(added) > SHOWN_ADDED:
            out.append(f"… and {len(added) - SHOWN_ADDED} more added (each in --report)")
        for p in self.planned:
            if p.outcome == "changed":
                out.append(f"{w.verb('change')} {p.grid.code}: {_changes(p)}")
        out += [f"{w.verb('repair')} {p.grid.code}: {p.grid.repaired}" for p in repaired]
        out += [f"refused {r.ref}: {r.reason}" for r in self.refused]
        out += [
            f"overlap within the file: {o.a} and {o.b} share {o.area_m2:,.0f} m²"
            for o in self.overlaps
            if not o.existing
        ]
        out += _existing_overlap_lines(self.overlaps)
        out += [
            f"gap: {g.area_m2:,.0f} m² belongs to no grid near {g.near[0]:.6f}, {g.near[1]:.6f}"
            + (" (between imported and stored grids)" if g.existing else "")
            for g in self.gaps
        ]
        out += [
            f"{w.created} community {r.code} "
            + (f"under street {r.parent} ({r.placed})" if r.parent else f"({r.placed})")
            for r in self.regions
        ]
        out += self.notes
        return out

    # -- as JSON ----------------------------------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "features": self.features,
            "crs": {"applied": self.crs, "source": self.crs_source},
            "mapping": self.columns,
            "not_carried": self.not_carried,
            "replace": self.replace,
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "summary": {
                "added": len(self.codes("added")),
                "changed": len(self.codes("changed")),
                "unchanged": len(self.codes("unchanged")),
                "refused": len(self.refused),
                "repaired": sum(1 for p in self.planned if p.grid.repaired),
            },
            "grids": [_grid_json(p) for p in self.planned]
            + [
                {
                    "code": r.code or None,
                    "feature": r.index + 1,
                    "outcome": "refused",
                    "reason": r.reason,
                }
                for r in self.refused
            ],
            "overlaps": [
                {"a": o.a, "b": o.b, "area_m2": round(o.area_m2, 1), "b_is": _b_is(o)}
                for o in self.overlaps
            ],
            "gaps": [
                {"area_m2": round(g.area_m2, 1), "near": list(g.near), "with_stored": g.existing}
                for g in self.gaps
            ],
            "regions_created": [
                {"code": r.code, "level": "community", "parent": r.parent, "placed": r.placed}
                for r in self.regions
            ],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class _Words:
    """A dry run writes nothing, so it says "would"."""

    dry_run: bool

    def _say(self, done: str) -> str:
        return f"would be {done}" if self.dry_run else done

    @property
    def added(self) -> str:
        return self._say("added")

    @property
    def changed(self) -> str:
        return self._say("changed")

    @property
    def repaired(self) -> str:
        return self._say("repaired")

    @property
    def kept(self) -> str:
        return self._say("kept")

    @property
    def cleared(self) -> str:
        return self._say("cleared by --replace")

    @property
    def created(self) -> str:
        return self.verb("create")

    def verb(self, stem: str) -> str:
        """``add`` → "added", or "would add" in a dry run."""
        if self.dry_run:
            return f"would {stem}"
        return stem + ("d" if stem.endswith("e") else "ed")


def _b_is(o: Overlap) -> str:
    return "stored" if o.existing else "file"


def _geometry_text(g: GeometryChange) -> str:
    if g.kind == "moved":
        return f"moved {g.moved_m:,.0f} m"
    return (
        f"reshaped, area {g.area_before_m2:,.0f} → {g.area_after_m2:,.0f} m² "
        f"({g.area_change_pct:+.1f}%), centre moved {g.moved_m:,.0f} m"
    )


def _changes(p: Planned) -> str:
    parts = [f"{attr} {old!r} → {new!r}" for attr, (old, new) in p.attributes.items()]
    if p.geometry is not None:
        parts.append(_geometry_text(p.geometry))
    return "; ".join(parts)


def _grid_json(p: Planned) -> dict[str, Any]:
    out: dict[str, Any] = {"code": p.grid.code, "outcome": p.outcome}
    if p.attributes:
        out["attributes"] = {a: {"old": o, "new": n} for a, (o, n) in p.attributes.items()}
    if p.geometry is not None:
        g = p.geometry
        out["geometry"] = {
            "change": g.kind,
            "moved_m": round(g.moved_m, 1),
            "area_before_m2": round(g.area_before_m2, 1),
            "area_after_m2": round(g.area_after_m2, 1),
            "area_change_m2": round(g.area_change_m2, 1),
            "area_change_pct": round(g.area_change_pct, 2),
        }
    if p.grid.repaired:
        out["repaired"] = p.grid.repaired
    return out


def _existing_overlap_lines(overlaps: list[Overlap]) -> list[str]:
    """One line per imported grid: a district drawn over 100 grids is one finding, not 100."""
    by_grid: dict[str, list[Overlap]] = {}
    for o in overlaps:
        if o.existing:
            by_grid.setdefault(o.a, []).append(o)
    out = []
    for code, items in by_grid.items():
        items.sort(key=lambda o: -o.area_m2)
        shown = ", ".join(f"{o.b} ({o.area_m2:,.0f} m²)" for o in items[:SHOWN_PER_GRID])
        more = len(items) - SHOWN_PER_GRID
        tail = f" and {more} more" if more > 0 else ""
        out.append(f"overlap with stored grids: {code} covers {len(items)} of them: {shown}{tail}")
    return out
