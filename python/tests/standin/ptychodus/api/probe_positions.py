from dataclasses import dataclass

import numpy


@dataclass(frozen=True)
class ProbePosition:
    index: int
    coordinate_x_m: float
    coordinate_y_m: float


class ProbePositionSequence:
    """Stored as indexes [N] and coordinates_m [N, 2] in (y, x) order, as ptychodus does."""

    def __init__(self, positions):
        positions = list(positions)
        self._indexes = numpy.array([p.index for p in positions], dtype=int)
        self._coordinates_m = numpy.array([[p.coordinate_y_m, p.coordinate_x_m] for p in positions],
                                          dtype=float).reshape(-1, 2)

    def __len__(self):
        return len(self._indexes)

    def __getitem__(self, k):
        y, x = self._coordinates_m[k]
        return ProbePosition(int(self._indexes[k]), float(x), float(y))

    def __iter__(self):
        return (self[k] for k in range(len(self)))
