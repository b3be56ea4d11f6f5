from hypothesis import given
from hypothesis import strategies as st

from app.live.fanout import SeenSeqs


def test_late_lower_seq_is_still_sent_once():
    seen = SeenSeqs(floor=10)
    assert [seen.first_time(s) for s in (12, 11, 12, 10, 13, 11)] == [True, True, False, False, True, False]
    assert seen.high == 13


@given(st.lists(st.integers(1, 20_000), max_size=12_000))
def test_each_seq_above_the_floor_passes_at_most_once(seqs):  # type: ignore[no-untyped-def]
    seen = SeenSeqs()
    passed = [s for s in seqs if seen.first_time(s)]
    assert len(passed) == len(set(passed))
