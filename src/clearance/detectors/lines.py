"""Line numbers of match offsets, for detectors that report where a finding sits."""

from __future__ import annotations


class LineCounter:
    """The 1-based line of offsets that mostly arrive in increasing order: newlines are
    counted once, from the previous offset on (an earlier offset restarts the count)."""

    def __init__(self, text: str):
        self.text = text
        self.line = 1
        self.pos = 0

    def line_at(self, offset: int) -> int:
        if offset < self.pos:
            self.line, self.pos = 1, 0
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line
