from dataclasses import dataclass


@dataclass(frozen=True)
class PixelGeometry:
    width_m: float
    height_m: float
