from datetime import date

from training_app.core.turkish import (
    format_date_long,
    format_date_short,
    search_key,
    tr_lower,
    tr_sort_key,
    tr_sorted,
    tr_upper,
)


def test_upper_and_lower_the_turkish_way():
    assert tr_upper("istanbul") == "İSTANBUL"
    assert tr_upper("ılgın") == "ILGIN"
    assert tr_lower("ILGIN") == "ılgın"
    assert tr_lower("İ") == "i" and len(tr_lower("İ")) == 1
    assert tr_upper("şükrü çağlar öz") == "ŞÜKRÜ ÇAĞLAR ÖZ"


def test_sorting_follows_the_turkish_alphabet():
    names = [
        "Zeki",
        "Çetin",
        "Ali",
        "İsmail",
        "Ilgın",
        "Ömer",
        "Şule",
        "Uğur",
        "Ünal",
        "Cem",
        "Oya",
        "Gül",
        "Ğ",
        "Su",
        "Hüseyin",
    ]
    assert tr_sorted(names) == [
        "Ali",
        "Cem",
        "Çetin",
        "Gül",
        "Ğ",
        "Hüseyin",
        "Ilgın",
        "İsmail",
        "Oya",
        "Ömer",
        "Su",
        "Şule",
        "Uğur",
        "Ünal",
        "Zeki",
    ]


def test_sort_key_orders_by_last_then_first_name():
    people = [("Ayşe", "Çelik"), ("Ali", "Çelik"), ("Zehra", "Cengiz")]
    ordered = sorted(people, key=lambda p: tr_sort_key(p[1], p[0]))
    assert ordered == [("Zehra", "Cengiz"), ("Ali", "Çelik"), ("Ayşe", "Çelik")]


def test_sort_key_is_case_insensitive_and_digit_only():
    assert tr_sort_key("ılgın") == tr_sort_key("ILGIN")
    assert tr_sort_key("Çumra").isdigit()


def test_search_key_forgives_ascii_typing():
    assert search_key("Çumra") == "cumra"
    assert search_key("ILGIN") == search_key("ılgın") == "ilgin"
    assert search_key("Şeker Güneş") == "seker gunes"


def test_official_dates():
    assert format_date_short(date(2026, 11, 29)) == "29.11.2026"
    assert format_date_long(date(2026, 11, 29), locale="tr") == "29 Kasım 2026"
