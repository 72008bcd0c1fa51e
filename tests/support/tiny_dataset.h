#pragma once
// A tiny dataset NPZ that satisfies the data contract, with knobs to break it, for the data and
// CLI tests. M scan positions on a grid, N x N amplitude patterns, a complex probe.
#include <string>

namespace ptychopinn::testing {

struct TinyDatasetOptions {
  int n_images = 9;      // M
  int pattern_size = 8;  // N
  bool include_probe = true;
  bool as_intensity = false;    // store squared, whole-number values (counts) instead of amplitude
  bool negative_value = false;  // one negative amplitude
  bool nan_coordinate = false;  // one NaN in xcoords
  bool legacy_layout = false;   // diffraction stored [N, N, M]
  int ycoords_length = -1;      // -1: M
  bool include_object = false;  // objectGuess: a 40 x 40 complex ramp, pixel (r, c) = r + i*c
  bool include_start = false;   // xcoords_start/ycoords_start = coordinates + 0.5
  std::string diffraction_key = "diff3d";
  std::string diffraction_dtype = "float32";  // or "float64", "uint16"
  bool compress = false;
};

void write_tiny_dataset(const std::string& path, const TinyDatasetOptions& options = {});

}  // namespace ptychopinn::testing
