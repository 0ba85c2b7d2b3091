"""The command line: real subprocess-free runs of ``main`` with real databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.migrate import head_revision
from gridcommand.desktop.cli import EXIT_USER_ERROR, main


def _url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _one_sentence(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("gridcommand: ")
    assert lines[0].endswith(".")
    return lines[0]


def test_db_upgrade_and_current_on_a_named_server(
    empty_db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", _url(empty_db_url), "db", "current"]) == 0
    assert "No schema yet" in capsys.readouterr().out
    assert main(["--db", _url(empty_db_url), "db", "upgrade"]) == 0
    assert f"to {head_revision()}" in capsys.readouterr().out
    assert main(["--db", _url(empty_db_url), "db", "current"]) == 0
    assert capsys.readouterr().out.strip() == f"{head_revision()} (head)"


def test_libpq_style_url_is_accepted(db_url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    libpq = _url(db_url).replace("postgresql+psycopg://", "postgres://")
    assert main(["--db", libpq, "db", "current"]) == 0
    assert head_revision() in capsys.readouterr().out


def test_environment_variable_names_the_server(
    db_url: URL, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDCOMMAND_DATABASE_URL", _url(db_url))
    assert main(["db", "current"]) == 0
    assert head_revision() in capsys.readouterr().out


def test_pg_variables_are_honoured(
    db_url: URL, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGHOST", str(db_url.query["host"]))
    monkeypatch.setenv("PGDATABASE", str(db_url.database))
    monkeypatch.setenv("PGUSER", str(db_url.username))
    assert main(["--db", "postgresql://", "db", "current"]) == 0
    assert head_revision() in capsys.readouterr().out


def test_wrong_url_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "mysql://root@localhost/x", "db", "current"]) == EXIT_USER_ERROR
    line = _one_sentence(capsys.readouterr().err)
    assert "is not a PostgreSQL URL" in line


def test_unreachable_server_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", "postgresql://nobody@127.0.0.1:1/nothing", "db", "upgrade"])
    assert code == EXIT_USER_ERROR
    line = _one_sentence(capsys.readouterr().err)
    assert "Cannot reach the database nothing on 127.0.0.1:1" in line


def test_newer_schema_is_one_sentence(db_url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    for command in (["db", "current"], ["db", "upgrade"], ["seed"]):
        assert main(["--db", _url(db_url), *command]) == EXIT_USER_ERROR
        line = _one_sentence(capsys.readouterr().err)
        assert "9999_from_the_future" in line and "upgrade gridcommand" in line


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    # The same exit code as without --debug: scripts must not see another outcome.
    assert main(["--debug", "--db", "mysql://x", "db", "current"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "Traceback" in err and "UserFacingError" in err
    assert err.strip().splitlines()[-1].startswith("gridcommand: ")


def test_a_missing_grid_file_is_said_before_any_server_starts(
    tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRIDCOMMAND_DATABASE_URL", raising=False)
    monkeypatch.setenv("GRIDCOMMAND_DATA_DIR", str(tmp_path / "data"))
    assert main(["import-grids", str(tmp_path / "nonexistent.geojson")]) == EXIT_USER_ERROR
    assert "There is no file" in _one_sentence(capsys.readouterr().err)
    folder = tmp_path / "adir"
    folder.mkdir()
    assert main(["import-grids", str(folder)]) == EXIT_USER_ERROR
    assert "is a folder" in _one_sentence(capsys.readouterr().err)
    assert not (tmp_path / "data").exists()  # no embedded server was started for either


def test_a_lone_unknown_flag_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--bogus"])
    assert exited.value.code == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "--bogus" in err and "COMMAND" not in err.splitlines()[-1]


def test_a_psycopg2_url_is_used_with_psycopg_3(
    db_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(db_url).replace("postgresql+psycopg://", "postgresql+psycopg2://")
    assert main(["--db", url, "db", "current"]) == 0
    assert head_revision() in capsys.readouterr().out
