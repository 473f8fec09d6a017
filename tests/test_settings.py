"""kgraph.settings: one frozen, validated PipelineSettings, wholly in the document fingerprint, feeding the CLI."""
from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from conftest import make_extraction

from kgraph.cli import main
from kgraph.corpus import fingerprint
from kgraph.settings import SEGMENTERS, PipelineSettings, lexicon_version, resolve


def test_unknown_segmenter_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="jieba, char"):
        PipelineSettings.make("whitespace")
    with pytest.raises(ValueError, match="unknown segmenter"):
        PipelineSettings(segmenter="whitespace")


def test_settings_are_frozen():
    settings = PipelineSettings.make("char", statistical=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.segmenter = "jieba"  # type: ignore[misc]


def test_made_settings_carry_the_versions():
    without = PipelineSettings.make("jieba", statistical=False)
    assert without.model_version is None and without.lexicon_version == lexicon_version() != ""
    assert resolve("char").segmenter == "char" and resolve(without) is without
    with pytest.raises(ValueError, match="contradicts"):
        resolve(without, segmenter="char")


@pytest.mark.parametrize("change", [{"segmenter": "char"}, {"statistical": True, "model_version": "1.0.0+new"},
                                    {"lexicon_version": "another"}])
def test_every_setting_is_in_the_fingerprint(change):
    document = make_extraction().document
    settings = PipelineSettings.make("jieba", statistical=False)
    assert fingerprint(document, settings) == fingerprint(document, dataclasses.replace(settings))
    assert fingerprint(document, settings) != fingerprint(document, dataclasses.replace(settings, **change))


@pytest.mark.parametrize("command", ["build", "extract", "eval"])
def test_every_command_offers_the_segmenters_of_the_constant(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert f"[{'|'.join(SEGMENTERS)}]" in result.output
