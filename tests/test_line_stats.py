"""The byte pass's line statistics (ledger/readers._LineStats) are the same however a file is cut
into chunks: lines, blank lines, carriage returns, CRLF pairs and quotes, against a direct count
over the whole file. The import reconciles rows read with these counts, so a miscount would
lose or invent rows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.readers import _LineStats

BYTES = st.lists(st.sampled_from([b"a", b",", b"\n", b"\r", b'"', b"\r\n", b"\n\n"]), max_size=80)


def _expected(data: bytes) -> dict[str, object]:
    lines = data.split(b"\n")[:-1]  # the lines a \n ends
    return {
        "n_lines": data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0),
        "n_cr": data.count(b"\r"),
        "n_crlf": data.count(b"\r\n"),
        "quotes": data.count(b'"'),
        "blank": [i + 1 for i, line in enumerate(lines) if line in (b"", b"\r")],
    }


@settings(max_examples=400, deadline=None)
@given(parts=BYTES, cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_any_chunking_counts_like_the_whole_file(parts: list[bytes], cuts: list[int]) -> None:
    data = b"".join(parts)
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    stats = _LineStats()
    for start, end in zip(bounds, bounds[1:], strict=False):
        stats.feed(data[start:end])
    got = {
        "n_lines": stats.n_lines,
        "n_cr": stats.n_cr,
        "n_crlf": stats.n_crlf,
        "quotes": stats.quotes,
        "blank": stats.blank,
    }
    assert got == _expected(data)
