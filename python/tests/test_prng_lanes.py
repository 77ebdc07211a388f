"""Words drawn in lanes are the plain loop's, word for word, at every count (the lanes' starts
are jumps of the linear state update; a wrong jump shifts every lane after the first)."""

import pytest

from tabtrainer.prng import Prng, derive_seed
from tabtrainer.prng_lanes import MAX_LANES, MIN_WORDS, stream_words


@pytest.mark.parametrize("count", [1, MIN_WORDS - 1, MIN_WORDS, 20001, MAX_LANES * 37 + 5])
def test_lanes_draw_the_plain_streams_words(count: int) -> None:
    prng = Prng.from_seed(derive_seed(11, 0xD40B, count))
    before = prng.state()
    words = stream_words(prng, count)
    assert prng.state() == before
    assert words.tolist() == Prng(before).uint32_words(count).tolist()
