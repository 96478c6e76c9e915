"""Line numbers detectors give their findings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.detectors.lines import LineCounter


@given(st.text(alphabet="ab\n\r", max_size=200), st.lists(st.integers(0, 200), max_size=30))
def test_line_at_matches_counting_from_the_start(text: str, offsets: list[int]) -> None:
    """In or out of order, the line is what counting newlines from the start gives."""
    lines = LineCounter(text)
    for offset in offsets:
        offset = min(offset, len(text))
        assert lines.line_at(offset) == text.count("\n", 0, offset) + 1
