"""Themes in free-text answers (leerkoers.vision.themes), on hand-checked cases."""

from leerkoers.vision.themes import content_words, themes


def test_it_keeps_the_content_words_only():
    assert content_words("Meer tijd voor leren in werktijd!") == {"tijd", "leren", "werktijd"}


def test_it_groups_answers_that_share_words_and_names_the_theme():
    texts = [
        "Meer tijd voor leren in werktijd",  # tijd leren werktijd
        "Koffie",  # alone
        "Budget per team, eigen keuze",  # budget team eigen keuze
        "Tijd om te leren tijdens werktijd",  # tijd leren tijdens werktijd: 3 of 4 shared with the first
        "Elk team een eigen budget",  # team eigen budget: 3 of 4 shared with the third
        "Leren van collega's",  # leren collega: 1 shared of 4 words with the first (0.25), so it joins
    ]
    found = themes(texts)
    assert [theme.members for theme in found] == [(0, 3, 5), (2, 4)]
    assert found[0].words == ("leren", "tijd", "werktijd")
    assert found[1].words == ("budget", "eigen", "team")


def test_no_theme_without_overlap():
    assert themes(["Koffie", "Thee", ""]) == []
