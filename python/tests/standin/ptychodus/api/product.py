from dataclasses import dataclass, field
from typing import Sequence


@dataclass(frozen=True)
class ProductMetadata:
    name: str
    comments: str
    detector_distance_m: float
    probe_energy_eV: float
    probe_photon_count: float
    exposure_time_s: float
    mass_attenuation_m2_kg: float = 0.0
    tomography_angle_deg: float = 0.0


@dataclass(frozen=True)
class LossValue:
    epoch: int
    value: float


@dataclass(frozen=True)
class Product:
    metadata: ProductMetadata
    probe_positions: object
    probes: object
    object_: object
    losses: Sequence[LossValue] = field(default_factory=list)
