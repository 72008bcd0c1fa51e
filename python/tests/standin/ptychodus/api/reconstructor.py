from abc import ABC, abstractmethod
from dataclasses import dataclass
import logging
from typing import Sequence

from .product import LossValue, Product  # noqa: F401  (re-exported as ptychodus does)


@dataclass(frozen=True)
class ReconstructInput:
    diffraction_patterns: object  # [N, H, W] raw counts, the file's dtype
    bad_pixels: object  # [H, W] bool, True = bad
    product: Product


@dataclass(frozen=True)
class ReconstructOutput:
    product: Product
    progress: int = 0
    result: int = 0


class Reconstructor(ABC):
    @abstractmethod
    def get_name(self) -> str: ...

    @abstractmethod
    def get_progress_goal(self) -> int: ...

    @abstractmethod
    def reconstruct(self, parameters: ReconstructInput): ...


@dataclass(frozen=True)
class TrainOutput:
    training_loss: Sequence[LossValue]
    validation_loss: Sequence[LossValue]
    result: int


class TrainableReconstructor(Reconstructor):
    @abstractmethod
    def get_model_file_filter(self) -> str: ...

    @abstractmethod
    def open_model(self, file_path): ...

    @abstractmethod
    def save_model(self, file_path): ...

    @abstractmethod
    def get_training_data_file_filter(self) -> str: ...

    @abstractmethod
    def export_training_data(self, file_path, parameters: ReconstructInput): ...

    @abstractmethod
    def get_training_data_path(self): ...

    @abstractmethod
    def train(self, data_path) -> TrainOutput: ...


class ReconstructorLibrary(ABC):
    def __init__(self, logger_name: str) -> None:
        self._logger = logging.getLogger(logger_name)

    def get_logger(self) -> logging.Logger:
        return self._logger

    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def __iter__(self): ...
