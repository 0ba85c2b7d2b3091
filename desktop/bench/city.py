"""A city of its own for the benchmark: a temporary embedded server, seeded, simulated.

Never the user's demo database: the figures must not depend on what someone left
there, and a benchmark must not leave 10,000 grids in someone's data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import Progress, SeedSummary, seed_demo
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.migrate import upgrade
from gridcommand.db.schema.urls import child_environment


@dataclass
class City:
    folder: Path
    server: embedded.EmbeddedServer
    engine: Engine
    summary: SeedSummary
    seed_s: float
    postgres: str
    simulator: subprocess.Popen[bytes] | None = None
    simulator_log: Path = field(default_factory=Path)

    @property
    def url(self) -> URL:
        return self.server.url()

    @property
    def conninfo(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def start_simulator(self, random_seed: int) -> None:
        """The field simulator as the demo runs it: a separate process, its own writes."""
        self.simulator_log = self.folder / "simulate.log"
        command = [
            sys.executable,
            "-m",
            "gridcommand.desktop",
            "simulate",  # the database comes in the environment, not on a command line
            "--parent-pid",
            str(os.getpid()),
            "--random-seed",
            str(random_seed),
        ]
        with self.simulator_log.open("wb") as log:
            self.simulator = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=child_environment(self.url)
            )

    def simulator_tail(self, lines: int = 5) -> str:
        try:
            text_ = self.simulator_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text_.strip().splitlines()[-lines:])

    def close(self) -> None:
        if self.simulator is not None:
            self.simulator.terminate()
            try:
                self.simulator.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.simulator.kill()
                self.simulator.wait(timeout=5)
            self.simulator = None
        self.engine.dispose()
        self.server.release()
        shutil.rmtree(self.folder, ignore_errors=True)


def build_city(grids: int, random_seed: int, progress: Progress) -> City:
    folder = Path(tempfile.mkdtemp(prefix="gridcommand-bench-"))
    try:
        server = embedded.start(folder, delete_on_exit=True)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    engine = make_engine(server.url())
    try:
        upgrade(engine)
        started = time.monotonic()
        summary = seed_demo(engine, grids=grids, random_seed=random_seed, progress=progress)
        seed_s = time.monotonic() - started
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
    except BaseException:
        engine.dispose()
        server.release()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return City(folder, server, engine, summary, seed_s, version)
