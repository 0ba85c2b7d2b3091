"""The catalogue of item types (categories) shipped with the demo and its loader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, insert

from gridcommand.db.schema.models import Category, CategoryClass


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    code: str
    class_code: str
    name: str
    name_en: str
    severity: str
    time_limit_minutes: int
    priority: int
    emergency_possible: bool


def load_catalogue() -> tuple[list[dict[str, str]], list[CatalogueItem]]:
    """Classes and items from ``seeddata/categories.json`` (Panyu's 11 classes)."""
    raw: dict[str, Any] = json.loads(
        (files("gridcommand.db.demo") / "seeddata" / "categories.json").read_text(encoding="utf-8")
    )
    limits: dict[str, int] = raw["time_limits_minutes"]
    classes = [
        {"code": c["code"], "name": c["name"], "name_en": c["name_en"]} for c in raw["classes"]
    ]
    items = [
        CatalogueItem(
            code=item["code"],
            class_code=cls["code"],
            name=item["name"],
            name_en=item["name_en"],
            severity=item["severity"],
            time_limit_minutes=limits[item["severity"]],
            priority=int(item["priority"]),
            emergency_possible=bool(item["emergency_possible"]),
        )
        for cls in raw["classes"]
        for item in cls["items"]
    ]
    return classes, items


def write_catalogue(conn: Connection) -> list[CatalogueItem]:
    classes, items = load_catalogue()
    conn.execute(insert(CategoryClass), classes)
    conn.execute(
        insert(Category),
        [
            {
                "code": i.code,
                "class_code": i.class_code,
                "name": i.name,
                "name_en": i.name_en,
                "severity": i.severity,
                "time_limit_minutes": i.time_limit_minutes,
                "default_priority": i.priority,
                "emergency_possible": i.emergency_possible,
            }
            for i in items
        ],
    )
    return items
