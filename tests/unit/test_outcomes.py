from hypothesis import given
from hypothesis import strategies as st

from app.domain.outcomes import nps, nps_band


def test_bands_and_score():
    assert [nps_band(s) for s in (0, 6, 7, 8, 9, 10)] == ["detractor", "detractor", "passive", "passive", "promoter", "promoter"]
    assert nps([]) is None
    assert nps([10, 9, 8, 0]) == 25.0


@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_is_bounded(scores):  # type: ignore[no-untyped-def]
    assert -100 <= nps(scores) <= 100
