#pragma once
// A small simulated dataset (lines object, random scan, Poisson counts, N = 64) written as an NPZ,
// for the model and training tests.
#include <cstdint>
#include <string>

namespace ptychopinn::testing {

struct SimulatedDatasetOptions {
  int n_images = 48;
  int object_size = 128;
  double nphotons = 1e6;
  std::uint64_t seed = 7;
};

void write_simulated_dataset(const std::string& path, const SimulatedDatasetOptions& options = {});

}  // namespace ptychopinn::testing
