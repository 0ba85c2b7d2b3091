"""Field handlers: workers who accept what the command centre dispatched to them.

The field side of the case loop is three moves and no more (采办分离: the command
centre registers, dispatches, verifies and closes):

* accept: ``dispatched`` → ``in_progress`` (the database stamps ``accepted_at``);
* give back: ``dispatched`` → ``registered`` with the assignee cleared and a reason,
  when the case is not the worker's to handle; the command centre re-dispatches it;
* report handled: ``in_progress`` → ``handled`` with a photo of the result,
  after progress notes on the longer jobs.

Delays are believable for the item's severity and compressed by ``--speed``; a
share of the jobs run past their deadline. A case the command centre sends back
(``handled`` → ``in_progress``) is simply worked on again.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from gridcommand.db.fieldsim import png
from gridcommand.db.fieldsim.contract import FieldWriter
from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.walkers import Patrols

log = logging.getLogger(__name__)

#: Minutes of work on site, by severity (before ``--speed``).
WORK_MINUTES = {"small": (20.0, 240.0), "big": (60.0, 600.0), "hard": (600.0, 4000.0)}
RETURN_REASONS = (
    "不属于本网格，请重新派遣。",
    "需专业部门处置，网格员无法处理。",
    "现场未发现所述问题，请核实地址。",
)
PROGRESS_NOTES = ("已到达现场，正在处理。", "已联系相关单位，等待配合处置。", "处置过半。")
HANDLED_NOTES = ("已处理完毕，现场照片见附件。", "问题已解决，居民满意。", "已整改到位。")
#: What the field waits for, by the status the ticket must still have.
EXPECTED_STATUS = {"accept": "dispatched", "return": "dispatched", "handle": "in_progress"}

OPEN_FOR_FIELD = (
    "SELECT t.id, t.status, t.assignee_worker_code, t.deadline, t.is_emergency,"
    " c.severity, t.lon, t.lat, t.crs"
    " FROM tickets t JOIN categories c ON c.code = t.category_code"
    " WHERE t.status IN ('dispatched', 'in_progress') AND t.assignee_worker_code IS NOT NULL"
    " ORDER BY t.id"
)


@dataclass
class Job:
    ticket_id: int
    worker: str
    stage: str
    due: datetime
    severity: str
    deadline: datetime
    point: tuple[float, float] | None
    progress_at: datetime | None = None


class Handlers:
    """Watches the tickets dispatched to the district's workers and works them off."""

    def __init__(
        self,
        writer: FieldWriter,
        patrols: Patrols,
        workers: set[str],
        options: SimOptions,
        rng: random.Random,
    ) -> None:
        self.writer = writer
        self.patrols = patrols
        self.workers = workers
        self.options = options
        self.rng = rng
        self.jobs: dict[int, Job] = {}

    def _minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high) / self.options.speed)

    def poll(self, conn: psycopg.Connection[Any], now: datetime) -> None:
        """Learn what is dispatched to whom; forget what the command centre took back."""
        with conn.transaction():
            rows = conn.execute(OPEN_FOR_FIELD).fetchall()
        seen: set[int] = set()
        for ticket_id, status, worker, deadline, emergency, severity, lon, lat, crs in rows:
            if worker not in self.workers:
                continue
            seen.add(ticket_id)
            job = self.jobs.get(ticket_id)
            if job and job.worker == worker and EXPECTED_STATUS[job.stage] == status:
                continue
            point = (lon, lat) if lon is not None and crs == "WGS84" else None
            self.jobs[ticket_id] = self._plan(
                ticket_id, status, worker, deadline, emergency, severity, point, now
            )
        for gone in set(self.jobs) - seen:
            del self.jobs[gone]

    def _plan(
        self,
        ticket_id: int,
        status: str,
        worker: str,
        deadline: datetime,
        emergency: bool,
        severity: str,
        point: tuple[float, float] | None,
        now: datetime,
    ) -> Job:
        job = Job(ticket_id, worker, "handle", now, severity, deadline, point)
        if status == "in_progress":  # accepted before this run, or sent back for rework
            self._schedule_work(job, now)
        elif self.rng.random() < self.options.return_share:
            job.stage, job.due = "return", now + self._minutes(2, 20)
        else:
            job.stage = "accept"
            job.due = now + (self._minutes(0.3, 3) if emergency else self._minutes(1, 15))
        return job

    def _schedule_work(self, job: Job, now: datetime) -> None:
        low, high = WORK_MINUTES.get(job.severity, WORK_MINUTES["big"])
        work = self._minutes(low, high)
        late = self.rng.random() < self.options.late_share
        left = job.deadline - now
        if late:
            work = max(work, left + self._minutes(10, 120))
        elif left > timedelta(0):
            work = min(work, left * 0.9)
        job.stage, job.due = "handle", now + work
        job.progress_at = now + work / 2 if job.severity != "small" else None

    def step(self, now: datetime) -> None:
        """Carry out every step that is due, in order, if the worker's phone is on."""
        on_duty = {w.code for w in self.patrols.on_duty(now)}
        for job in sorted(self.jobs.values(), key=lambda j: (j.due, j.ticket_id)):
            progress_due = job.progress_at is not None and job.progress_at <= now
            if job.due > now and not progress_due:
                continue
            if job.worker in self.patrols.walkers and job.worker not in on_duty:
                continue  # phone off: the step waits until it is back
            self._do(job, now)

    def _do(self, job: Job, now: datetime) -> None:
        w, tid = self.writer, job.ticket_id
        if job.progress_at is not None and job.progress_at <= now and job.stage == "handle":
            job.progress_at = None
            w.progress(tid, job.worker, self.rng.choice(PROGRESS_NOTES))
        if job.due > now:
            return
        if job.stage == "accept":
            if not w.accept(tid, job.worker):
                del self.jobs[tid]
                return
            walker = self.patrols.walkers.get(job.worker)
            if walker is not None and job.point is not None:
                walker.go_to(*job.point)
            self._schedule_work(job, now)
        elif job.stage == "return":
            w.give_back(tid, job.worker, self.rng.choice(RETURN_REASONS))
            del self.jobs[tid]
        else:
            photo = png.scene(self.rng, "handled")
            w.handled(tid, job.worker, self.rng.choice(HANDLED_NOTES), photo)
            del self.jobs[tid]
