import numpy


class Probe:
    """[I, H, W] complex incoherent modes with their pixel geometry."""

    def __init__(self, array, pixel_geometry):
        self._array = numpy.asarray(array)
        self._pixel_geometry = pixel_geometry

    def get_incoherent_mode(self, number):
        return self._array[number]

    def get_array(self):
        return self._array

    def get_pixel_geometry(self):
        return self._pixel_geometry


class ProbeSequence:
    """A complex array normalised to [C, I, H, W] (C coherent OPR modes) from 2-D, 3-D or 4-D input,
    optional OPR weights [K, C], and a pixel geometry."""

    def __init__(self, array, opr_weights, pixel_geometry):
        array = numpy.asarray(array)
        while array.ndim < 4:
            array = array[numpy.newaxis]
        if array.ndim != 4:
            raise ValueError(f"probe array has {array.ndim} dimensions")
        self._array = array
        self._opr_weights = opr_weights
        self._pixel_geometry = pixel_geometry

    def get_probe_no_opr(self):
        return Probe(self._array[0], self._pixel_geometry)

    def get_array(self):
        return self._array

    def get_pixel_geometry(self):
        return self._pixel_geometry

    def __len__(self):
        return 1 if self._opr_weights is None else len(self._opr_weights)
