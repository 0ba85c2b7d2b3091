"""The embedded server that cannot start says why, in one sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gridcommand.db.schema import embedded
from gridcommand.db.schema.errors import UserFacingError


def test_a_data_directory_with_wrong_permissions_is_named_as_the_reason(tmp_path: Path) -> None:
    server = embedded.start(tmp_path)
    pgdata = server.pgdata
    server.release()  # stopped: this process was its only holder
    os.chmod(pgdata, 0o777)  # what a careless copy or a shared folder leaves behind
    try:
        with pytest.raises(UserFacingError) as failed:
            embedded.start(tmp_path, delete_on_exit=True)
    finally:
        os.chmod(pgdata, 0o700)
    said = str(failed.value)
    assert "invalid permissions" in said, said
    assert "\n" not in said and said.endswith(".")
    assert "Command '(" not in said  # not pgserver's command line
