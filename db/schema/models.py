"""The shared schema, as typed SQLAlchemy 2.0 models.

These models describe the database that the field systems (workers' tablets, the
12345 hotline, WeChat reports, sensors) write and the command centre reads. The
tables are created by the Alembic migrations in ``migrations/``, never by
``create_all`` in a production path; the models exist so that queries are typed and
so that Alembic can compare them with the migrations.

Geometry is GeoJSON (EPSG:4326, lon/lat) in ``jsonb`` because the embedded
PostgreSQL has no PostGIS; shapely does the geometry in Python.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridcommand.db.schema import channel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True))]
Code = Annotated[str, mapped_column(String(32))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RegionLevel(enum.StrEnum):
    """Levels of the administrative hierarchy above the grid."""

    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"


class WorkerRole(enum.StrEnum):
    """The "1 + X + Y" of a grid team: one full-timer, part-timers, volunteers."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    VOLUNTEER = "volunteer"


class TicketSource(enum.StrEnum):
    PATROL = "patrol"
    HOTLINE = "hotline"
    WECHAT = "wechat"
    SENSOR = "sensor"
    OTHER = "other"


class TicketStatus(enum.StrEnum):
    """The case loop: 上报 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案.

    ``rejected`` is a report the command centre refused to register (with a reason
    in the trace); it ends the loop like ``closed`` does.
    """

    REPORTED = "reported"
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    HANDLED = "handled"
    VERIFIED = "verified"
    CLOSED = "closed"
    REJECTED = "rejected"


class Severity(enum.StrEnum):
    """Suqian's rule: 小事不过夜、大事不过天、难事不过周."""

    SMALL = "small"
    BIG = "big"
    HARD = "hard"


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{v.value}'" for v in values)


class Region(Base):
    """A district, street or community; grids hang below communities."""

    __tablename__ = "regions"
    __table_args__ = (CheckConstraint(f"level IN ({_in(RegionLevel)})", name="level"),)

    code: Mapped[Code] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("regions.code", onupdate="CASCADE"), index=True
    )
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class Grid(Base):
    """The base unit of management (网格): 300–500 households, one full-time worker."""

    __tablename__ = "grids"
    __table_args__ = (
        CheckConstraint("households >= 0", name="households"),
        CheckConstraint("population >= 0", name="population"),
    )

    code: Mapped[Code] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    community_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("regions.code", onupdate="CASCADE"), index=True
    )
    boundary: Mapped[dict[str, Any]] = mapped_column(JSONB)
    households: Mapped[int] = mapped_column(Integer, server_default="0")
    population: Mapped[int] = mapped_column(Integer, server_default="0")
    updated_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)


class Worker(Base):
    """A grid worker, part-timer or volunteer. ``phone`` is masked for display."""

    __tablename__ = "workers"
    __table_args__ = (CheckConstraint(f"role IN ({_in(WorkerRole)})", name="role"),)

    code: Mapped[Code] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    grid_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("grids.code", onupdate="CASCADE"), index=True
    )
    phone: Mapped[str | None] = mapped_column(String(32))
    #: ``138****8000``, made by the database; viewers and field logins read only this.
    phone_masked: Mapped[str | None] = mapped_column(
        String(32), Computed("gc_mask_phone(phone)", persisted=True)
    )
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    updated_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)


class WorkerPosition(Base):
    """One GPS fix from a worker's tablet, WGS-84 lon/lat; a time series."""

    __tablename__ = "worker_positions"
    __table_args__ = (
        # NaN compares greater than every number in PostgreSQL, so BETWEEN refuses it too.
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy"),
        Index("ix_worker_positions_worker_time", "worker_code", text("recorded_at DESC")),
        Index("ix_worker_positions_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    worker_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("workers.code", onupdate="CASCADE")
    )
    recorded_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(32), server_default="pad")
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)


class CategoryClass(Base):
    """One of the item classes (Panyu has 11: infrastructure, city management, ...)."""

    __tablename__ = "category_classes"

    code: Mapped[Code] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Category(Base):
    """An item type with the time limit a city sets for it."""

    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint(f"severity IN ({_in(Severity)})", name="severity"),
        CheckConstraint("time_limit_minutes > 0", name="time_limit"),
        CheckConstraint("default_priority BETWEEN 1 AND 4", name="priority"),
    )

    code: Mapped[Code] = mapped_column(primary_key=True)
    class_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("category_classes.code", onupdate="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(8))
    time_limit_minutes: Mapped[int] = mapped_column(Integer)
    default_priority: Mapped[int] = mapped_column(SmallInteger, server_default="3")
    emergency_possible: Mapped[bool] = mapped_column(server_default=text("false"))


class Ticket(Base):
    """A case (案件): one report and its way through the case loop.

    ``version`` is the optimistic lock: every write of the command centre says which
    version it read, so two officers acting at once cannot overwrite each other.
    ``deadline`` defaults, in the database, to the report time plus the category's
    time limit, so a field system need not know the limits.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(TicketStatus)})", name="status"),
        CheckConstraint(f"source IN ({_in(TicketSource)})", name="source"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        CheckConstraint("lat IS NULL OR lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lon IS NULL OR lon BETWEEN -180 AND 180", name="lon_range"),
        CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="point_complete"),
        CheckConstraint(
            "external_id IS NULL OR btrim(external_id) <> ''", name="external_id_not_blank"
        ),
        CheckConstraint("version >= 1", name="version"),
        UniqueConstraint("source", "external_id", name="uq_tickets_source_external_id"),
        Index(
            "ix_tickets_open_status",
            "status",
            "deadline",
            postgresql_where=text("status NOT IN ('closed', 'rejected')"),
        ),
        Index("ix_tickets_grid_reported", "grid_code", "reported_at"),
        Index("ix_tickets_reported_at", "reported_at"),
        Index("ix_tickets_registered_at", "registered_at"),
        Index("ix_tickets_grid_registered", "grid_code", "registered_at"),
        # Replay: the cases closed since a moment of the past (migration 0009).
        Index("ix_tickets_closed_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("categories.code", onupdate="CASCADE")
    )
    grid_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("grids.code", onupdate="CASCADE")
    )
    lon: Mapped[float | None] = mapped_column(Double)
    lat: Mapped[float | None] = mapped_column(Double)
    crs: Mapped[str] = mapped_column(String(16), server_default="WGS84")
    description: Mapped[str] = mapped_column(Text, server_default="")
    reporter: Mapped[str | None] = mapped_column(String(100))
    reporter_contact: Mapped[str | None] = mapped_column(String(64))
    reporter_contact_masked: Mapped[str | None] = mapped_column(
        String(64), Computed("gc_mask_phone(reporter_contact)", persisted=True)
    )
    priority: Mapped[int] = mapped_column(SmallInteger)
    is_emergency: Mapped[bool] = mapped_column(server_default=text("false"))
    status: Mapped[str] = mapped_column(String(16), server_default=TicketStatus.REPORTED.value)
    reported_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    registered_at: Mapped[Timestamp | None]
    dispatched_at: Mapped[Timestamp | None]
    accepted_at: Mapped[Timestamp | None]
    handled_at: Mapped[Timestamp | None]
    verified_at: Mapped[Timestamp | None]
    closed_at: Mapped[Timestamp | None]
    #: When an operator first silenced the alarm (traced as ``acknowledge``).
    acknowledged_at: Mapped[Timestamp | None]
    deadline: Mapped[Timestamp]
    assignee_worker_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("workers.code", onupdate="CASCADE"), index=True
    )
    assignee_department: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)

    # SQLAlchemy's DeclarativeBase types this as an instance attribute, so a ClassVar
    # annotation conflicts (mypy [misc]); it is read once, when the class is mapped.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TicketPhoto(Base):
    """A photo the field sent with a report or with its handling."""

    __tablename__ = "ticket_photos"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    taken_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    stage: Mapped[str] = mapped_column(String(16), server_default="report")
    mime_type: Mapped[str] = mapped_column(String(32), server_default="image/png")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class TicketAction(Base):
    """The trace (件件有回音): who did what to a ticket, when. Append-only.

    A trigger refuses UPDATE and DELETE, so the trace cannot be edited after the fact.
    """

    __tablename__ = "ticket_actions"
    __table_args__ = (
        Index("ix_ticket_actions_ticket_at", "ticket_id", "at"),
        Index(
            "ix_ticket_actions_report_actor",
            "actor",
            postgresql_where=text("action = 'report'"),
        ),
        # Replay: the trace rows between two moments (migration 0009).
        Index("ix_ticket_actions_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(32))
    #: The database login that made the change (``session_user``, set by a trigger).
    db_login: Mapped[str] = mapped_column(String(63), server_default=text("session_user"))
    #: False when ``actor`` was declared by a shared login rather than checked against it.
    actor_verified: Mapped[bool] = mapped_column(server_default=text("false"))
    at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    note: Mapped[str] = mapped_column(Text, server_default="")
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)


class RejectedInput(Base):
    """A row from a field system that the command centre refused, and why.

    Bad input never vanishes: it is skipped with a reason and shown to operators in
    the data-quality view. ``(source_table, row_ref, reason_code)`` is unique so that
    several command-centre clients validating the same row record it once.
    """

    __tablename__ = "rejected_input"
    __table_args__ = (
        UniqueConstraint(
            "source_table", "row_ref", "reason_code", name="uq_rejected_input_row_reason"
        ),
        Index("ix_rejected_input_detected_at", "detected_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    detected_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    source_table: Mapped[str] = mapped_column(String(64))
    row_ref: Mapped[str] = mapped_column(String(100))
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    #: Set when a later verdict accepted the row: the refusal is kept, no longer listed.
    resolved_at: Mapped[Timestamp | None]
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)


class OperatorScope(Base):
    """Which region a database login may see and act in (the scope of row-level security).

    Keyed by the login (``current_user``) rather than a session setting, because a
    user can change their own settings but not this table. A login without a row
    sees nothing. Written by a DBA or an administrator, never by the window.
    """

    __tablename__ = "operator_scopes"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    #: A shared console login: the operator it names is recorded as declared, not verified.
    shared: Mapped[bool] = mapped_column(server_default=text("false"))
    region_code: Mapped[str] = mapped_column(
        String(32),
        ForeignKey("regions.code", onupdate="CASCADE", ondelete="CASCADE"),
        index=True,
    )
    display_name: Mapped[str] = mapped_column(String(100), server_default="")


class ConsoleEvent(Base):
    """What an operator did to the console itself (muting the siren): who, until when.

    Append-only like the ticket trace (migration ``0006``); belongs to no ticket.
    """

    __tablename__ = "console_events"
    __table_args__ = (
        CheckConstraint("kind IN ('mute_siren', 'unmute_siren')", name="kind"),
        Index("ix_console_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, server_default="")


class ExtensionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class FeedbackResult(enum.StrEnum):
    """The hotline's call-back (回访): 满意 / 基本满意 / 不满意."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class TicketExtension(Base):
    """延期: the assignee asks for a later deadline; a supervisor decides (migration 0007)."""

    __tablename__ = "ticket_extensions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(ExtensionStatus)})", name="status"),
        CheckConstraint("length(btrim(reason)) BETWEEN 1 AND 1000", name="reason"),
        Index(
            "uq_ticket_extensions_one_pending",
            "ticket_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    reason: Mapped[str] = mapped_column(Text)
    old_deadline: Mapped[Timestamp | None]
    new_deadline: Mapped[Timestamp]
    status: Mapped[str] = mapped_column(String(16), server_default=ExtensionStatus.PENDING.value)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[Timestamp | None]
    decision_note: Mapped[str] = mapped_column(Text, server_default="")


class TicketFeedback(Base):
    """回访: a resident's verdict on one closure of a case (migration 0007)."""

    __tablename__ = "ticket_feedback"
    __table_args__ = (
        CheckConstraint(f"result IN ({_in(FeedbackResult)})", name="result"),
        UniqueConstraint("ticket_id", "ticket_closed_at", name="uq_ticket_feedback_ticket_closure"),
        Index("ix_ticket_feedback_closed_at", "ticket_closed_at"),
        Index(
            "ix_ticket_feedback_community_closed",
            "community_code",
            "ticket_closed_at",
            "recorded_at",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id"))
    ticket_closed_at: Mapped[Timestamp | None]
    result: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, server_default="")
    caller: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[Timestamp] = mapped_column(server_default=func.now())
    #: The case's community (``''``: no grid) and grid, kept by triggers (migration 0008).
    community_code: Mapped[str | None] = mapped_column(String(32))
    grid_code: Mapped[str | None] = mapped_column(String(32))


class TicketKpiFacts(Base):
    """A case's evaluation state, one row per ticket, kept by triggers (0007, 0008).

    Its first dispatch, handling, send-back and approved extension (from the trace and
    the extensions), and a copy of the ticket's columns the figures read: registration,
    grid and community (``''`` without a grid), item class, deadline, closure (only
    while closed), assignee, and the report time of a patrol report.
    """

    __tablename__ = "ticket_kpi_facts"
    __table_args__ = (
        Index(
            "ix_ticket_kpi_facts_community_registered",
            "community_code",
            "registered_at",
            "settled_at",
            postgresql_include=[
                "first_dispatch_at",
                "first_handle_at",
                "first_send_back_at",
                "first_extension_at",
                "deadline",
                "closed_at",
                "grid_code",
            ],
        ),
        Index("ix_ticket_kpi_facts_grid_registered", "grid_code", "registered_at"),
        Index("ix_ticket_kpi_facts_registered", "registered_at"),
        Index(
            "ix_ticket_kpi_facts_patrol_reported",
            "patrol_reported_at",
            postgresql_include=["grid_code"],
            postgresql_where=text("patrol_reported_at IS NOT NULL"),
        ),
    )

    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tickets.id"), primary_key=True)
    first_dispatch_at: Mapped[Timestamp | None]
    first_handle_at: Mapped[Timestamp | None]
    first_send_back_at: Mapped[Timestamp | None]
    first_extension_at: Mapped[Timestamp | None]
    registered_at: Mapped[Timestamp | None]
    grid_code: Mapped[str | None] = mapped_column(String(32))
    community_code: Mapped[str | None] = mapped_column(String(32))
    class_code: Mapped[str | None] = mapped_column(String(32))
    deadline: Mapped[Timestamp | None]
    closed_at: Mapped[Timestamp | None]
    assignee_worker_code: Mapped[str | None] = mapped_column(String(32))
    assignee_department: Mapped[str | None] = mapped_column(String(100))
    patrol_reported_at: Mapped[Timestamp | None]
    #: When everything the figures compare with a cut-off has happened (migration 0008).
    settled_at: Mapped[Timestamp | None] = mapped_column(
        Computed(
            "greatest(registered_at, first_dispatch_at, first_handle_at, first_send_back_at,"
            " first_extension_at, closed_at,"
            " CASE WHEN first_handle_at IS NULL THEN deadline END)",
            persisted=True,
        )
    )


class KpiDaily(Base):
    """Per local day of registration and community, the cases' counts (triggers, 0008).

    ``settled_until`` is the latest time anything of those cases happened or falls due:
    before it the day's counts are not yet the figures of an earlier cut-off.
    """

    __tablename__ = "kpi_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    registered: Mapped[int] = mapped_column(Integer, server_default="0")
    handled: Mapped[int] = mapped_column(Integer, server_default="0")
    handled_on_time: Mapped[int] = mapped_column(Integer, server_default="0")
    closed: Mapped[int] = mapped_column(Integer, server_default="0")
    closed_on_time: Mapped[int] = mapped_column(Integer, server_default="0")
    reworked: Mapped[int] = mapped_column(Integer, server_default="0")
    extended: Mapped[int] = mapped_column(Integer, server_default="0")
    overdue: Mapped[int] = mapped_column(Integer, server_default="0")
    timed: Mapped[int] = mapped_column(Integer, server_default="0")
    handling_seconds: Mapped[Decimal] = mapped_column(Numeric, server_default="0")
    settled_until: Mapped[Timestamp | None]


class KpiSatisfactionDaily(Base):
    """Per local day of the judged closure and community, the call-backs (triggers, 0008)."""

    __tablename__ = "kpi_satisfaction_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, server_default="0")
    satisfied: Mapped[int] = mapped_column(Integer, server_default="0")
    settled_until: Mapped[Timestamp | None]


class KpiGridMonthly(Base):
    """Per local month, grid and item class: cases registered, patrol reports (0008)."""

    __tablename__ = "kpi_grid_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    class_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    registered: Mapped[int] = mapped_column(Integer, server_default="0")
    patrol_reports: Mapped[int] = mapped_column(Integer, server_default="0")


class WorkerPatrolDay(Base):
    """A worker's local day with at least one fix, and its first (0011); a trigger keeps it."""

    __tablename__ = "worker_patrol_days"
    __table_args__ = (Index("ix_worker_patrol_days_day", "day", "worker_code"),)

    worker_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("workers.code", onupdate="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    first_at: Mapped[Timestamp]


class KpiWeight(Base):
    """One component of the composite score and its weight; a manager may change it."""

    __tablename__ = "kpi_weights"
    __table_args__ = (
        CheckConstraint(
            "component IN ('patrol', 'on_time', 'reporting', 'satisfaction')", name="component"
        ),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight"),
    )

    component: Mapped[str] = mapped_column(String(16), primary_key=True)
    weight: Mapped[float] = mapped_column(Double)
    updated_at: Mapped[Timestamp] = mapped_column(server_default=func.now())


class LoopRule(Base):
    """A switchable rule of the case loop (``reopen_on_unsatisfied``)."""

    __tablename__ = "loop_rules"

    name: Mapped[str] = mapped_column(String(48), primary_key=True)
    enabled: Mapped[bool]
    description: Mapped[str] = mapped_column(Text, server_default="")


#: Tables whose changes are announced on :data:`CHANGE_CHANNEL` and carry a ``txid``.
WATCHED_TABLES: tuple[str, ...] = (
    "grids",
    "workers",
    "worker_positions",
    "tickets",
    "ticket_actions",
    "rejected_input",
)

CHANGE_CHANNEL = channel.CHANGE_CHANNEL
