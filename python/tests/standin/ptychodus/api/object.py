from dataclasses import dataclass

import numpy

from .geometry import PixelGeometry


@dataclass(frozen=True)
class ObjectCenter:
    coordinate_x_m: float
    coordinate_y_m: float


@dataclass(frozen=True)
class ObjectGeometry:
    width_px: int
    height_px: int
    pixel_width_m: float
    pixel_height_m: float
    center_x_m: float
    center_y_m: float


class Object:
    """A complex array normalised to [L, H, W], layer_spacing_m of length L - 1, a pixel geometry and
    a centre in metres."""

    def __init__(self, array, pixel_geometry, center, layer_spacing_m=()):
        array = numpy.asarray(array)
        if array.ndim == 2:
            array = array[numpy.newaxis]
        if array.ndim != 3:
            raise ValueError(f"object array has {array.ndim} dimensions")
        if len(layer_spacing_m) != array.shape[0] - 1:
            raise ValueError("layer_spacing_m must have L - 1 values")
        self._array = array
        self._pixel_geometry = pixel_geometry
        self._center = center
        self.layer_spacing_m = list(layer_spacing_m)

    def get_array(self):
        return self._array

    def get_layer(self, number):
        return self._array[number]

    def get_pixel_geometry(self):
        return self._pixel_geometry

    def get_center(self):
        return self._center

    def get_geometry(self):
        return ObjectGeometry(width_px=self._array.shape[-1], height_px=self._array.shape[-2],
                              pixel_width_m=self._pixel_geometry.width_m,
                              pixel_height_m=self._pixel_geometry.height_m,
                              center_x_m=self._center.coordinate_x_m, center_y_m=self._center.coordinate_y_m)


__all__ = ["Object", "ObjectCenter", "ObjectGeometry", "PixelGeometry"]
