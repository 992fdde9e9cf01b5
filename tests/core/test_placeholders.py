"""Office-written texts: only listed placeholders, nothing ever evaluated."""

import pytest

from training_app.core.placeholders import (
    PlaceholderError,
    check_text,
    fill,
    placeholders_in,
    unknown_placeholders,
)

ALLOWED = ["ad_soyad", "egitim", "tarih"]


def test_known_placeholders_are_filled_with_plain_values():
    text = "Sayın {ad_soyad}, “{egitim}” eğitimi {tarih} tarihinde."
    assert fill(text, {"ad_soyad": "Ayşe Işık", "egitim": "İmar", "tarih": "12.05.2026"}) == (
        "Sayın Ayşe Işık, “İmar” eğitimi 12.05.2026 tarihinde."
    )


def test_a_value_is_never_interpreted_again():
    assert fill("{ad_soyad}", {"ad_soyad": "{egitim}", "egitim": "x"}) == "{egitim}"


def test_unknown_placeholders_are_named_in_order():
    text = "{ad_soyad} {belge} {egitim.title} {belge}"
    assert unknown_placeholders(text, ALLOWED) == ["belge", "egitim.title"]
    with pytest.raises(PlaceholderError) as refused:
        check_text(text, ALLOWED)
    assert "{belge}" in refused.value.message and "{egitim.title}" in refused.value.message
    assert "{ad_soyad}" in refused.value.message  # what may be used is listed


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{ad_soyad.__class__}",
        "{0.__class__}",
        "{% for x in y %}{% endfor %}",
    ],
)
def test_code_is_refused_on_save_and_printed_as_text_if_ever_filled(attack):
    with pytest.raises(PlaceholderError):
        check_text(attack, ALLOWED)
    assert fill(attack, {"ad_soyad": "Ali"}) == attack


def test_a_lone_brace_is_refused():
    with pytest.raises(PlaceholderError):
        check_text("Sayın {ad_soyad", ALLOWED)


def test_placeholders_in_lists_each_once():
    assert placeholders_in("{a} { b } {a}") == ["a", "b"]
