"""Refusals from the data layer are said in the operator's language, with its words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from gridcommand.db.actions import refusals as sentences
from gridcommand.db.actions.service import perform
from gridcommand.db.actions.types import ActionRefused, Operator
from gridcommand.desktop import i18n
from gridcommand.resources import refusals

FIELD = re.compile(r"\{(\w+)\}")


def test_every_sentence_of_the_data_layer_is_marked_for_translation() -> None:
    assert {str(s) for s in refusals.SENTENCES} == set(sentences.ALL)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    translators = i18n.install_translators(qapp, "zh_CN")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def test_each_chinese_sentence_names_only_fields_its_refusal_gives(chinese: None) -> None:
    for source in sentences.ALL:
        given = set(FIELD.findall(source))
        if "past" in given:
            given.add("action")  # a refusal naming a step gives its code too
        said = QCoreApplication.translate("Refusals", source)
        assert said != source, source
        assert set(FIELD.findall(said)) <= given, (source, said)


def test_a_real_refusal_reads_in_chinese(engine: Engine, chinese: None) -> None:
    viewer = Operator("wall", "大屏", "viewer", "district", "D01")
    with pytest.raises(ActionRefused) as refused:
        perform(engine, viewer, "dispatch", 1, 1, worker_code="W1")
    assert "may not" in str(refused.value)  # the command line keeps the English sentence
    said = refusals.describe(refused.value)
    assert said.startswith(QCoreApplication.translate("Vocabulary", "viewer (wall screen)"))
    assert not re.search(r"[A-Za-z]{3,}", said), said
