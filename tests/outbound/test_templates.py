"""The templates: found, checked at start, and every kind renders in both parts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outbound.errors import OutboundError
from outbound.preview import sample_values
from outbound.templates import KINDS, Templates, highlight_html, highlight_text
from tests.outbound.conftest import MAILBOX, TEMPLATES


def _load(folder: Path) -> Templates:
    return Templates.load(folder, council_name="C", mailbox_address="m@c.gov.uk", signature="S")


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    return folder


def test_every_kind_has_all_three_parts(templates: Templates) -> None:
    assert set(KINDS) <= set(templates.kinds)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_text_and_html_with_the_settings(
    templates: Templates, kind: str
) -> None:
    rendered = templates.render(kind, sample_values(kind))
    assert rendered.subject and "\n" not in rendered.subject
    for part in (rendered.text, rendered.html):
        assert "Exampleshire County Council" in part
        assert MAILBOX in part
        assert "MECC Business Support" in part
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")


def test_a_syntax_error_is_found_at_start_naming_the_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "alert.txt.j2").write_text("Dear {{ visitor_name }\n")
    with pytest.raises(OutboundError, match=r"alert\.txt\.j2"):
        _load(folder)


def test_a_misspelt_value_is_found_at_start_naming_the_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "acknowledgement.html.j2").write_text("<p>{{ refrence }}</p>\n")
    with pytest.raises(OutboundError, match=r"acknowledgement\.html\.j2.*refrence"):
        _load(folder)


def test_a_missing_part_is_found_at_start_naming_the_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "digest.subject.j2").unlink()
    with pytest.raises(OutboundError, match=r"digest\.subject\.j2"):
        _load(folder)


def test_a_council_can_reword_a_template(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "acknowledgement.subject.j2").write_text("Diolch / Thank you [{{ reference }}]\n")
    rendered = _load(folder).render("acknowledgement", sample_values("acknowledgement"))
    assert rendered.subject == "Diolch / Thank you [MECC-7K3Q9P]"


def test_html_escapes_what_partners_wrote(templates: Templates) -> None:
    values = sample_values("resend_request") | {"note": "<script>alert(1)</script>"}
    rendered = templates.render("resend_request", values)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text


def test_matched_words_are_highlighted_and_the_rest_escaped() -> None:
    html = str(highlight_html("He said <b>dad</b> hit him; a bruise.", "hit him|bruise"))
    assert "&lt;b&gt;dad&lt;/b&gt;" in html
    assert html.count("<mark") == 2
    assert ">hit him</mark>" in html and ">bruise</mark>" in html
    assert highlight_text("Police came twice.", "police") == "*Police* came twice."
    assert highlight_text("Nothing matched here.", "") == "Nothing matched here."
