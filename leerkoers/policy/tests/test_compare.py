from leerkoers.policy.compare import ADDED, CHANGED, REMOVED, Change, changes


def _figure(key, value, number=None, label=None):
    return {"key": key, "label": label or key, "value": value, "number": number}


def test_it_lists_the_figures_whose_value_changed():
    old = [_figure("goals.aligned_spend", "33%", 0.33), _figure("goals.kpis", "6", 6)]
    new = [_figure("goals.aligned_spend", "41%", 0.41), _figure("goals.kpis", "6", 6)]
    assert changes(old, new) == [Change("goals.aligned_spend", "goals.aligned_spend", "33%", "41%", CHANGED)]


def test_it_compares_numbers_across_languages():
    old = [_figure("inventory.spend", "€ 1.250", 1250.0, "Uitgaven aan leren")]
    new = [_figure("inventory.spend", "€1,250", 1250.0, "Spend on learning")]
    assert changes(old, new) == []


def test_it_compares_text_where_a_figure_has_no_number():
    old = [_figure("vision.approved", "no")]
    new = [_figure("vision.approved", "yes")]
    assert [c.kind for c in changes(old, new)] == [CHANGED]


def test_it_names_figures_that_appeared_or_disappeared():
    old = [_figure("readiness.overall", "44", 44)]
    new = [_figure("goals.kpis", "6", 6)]
    assert changes(old, new) == [
        Change("goals.kpis", "goals.kpis", None, "6", ADDED),
        Change("readiness.overall", "readiness.overall", "44", None, REMOVED),
    ]
