#pragma once
// RuntimeConfig: how a run executes (device, threads, seed), shared by training and inference.
//
// These are not part of the method: they never enter the legacy params dictionary. In YAML and on
// the command line they are flat keys (`device: cuda`, `--set threads=2`; `runtime.device` is
// accepted too).
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"

namespace ptychopinn::config {

struct RuntimeConfig {
  // Where tensors live: auto (default: CUDA when LibTorch sees a GPU, else CPU), cpu or cuda.
  Device device = Device::kAuto;
  // CPU threads for LibTorch's intra-op pool; 0 (default) = automatic: the cores the process may
  // use less those other programs keep busy when the run starts (execution::configure_threads).
  // Debian's LibTorch uses one thread unless told otherwise, hence the explicit setting.
  int threads = 0;
  // Seed of every random choice of a run (sampling, weight initialisation, shuffling, validation
  // split). Default 42, the reference's `npseed`; change it to check that a result is not luck.
  int seed = 42;

  // Throws ConfigError ("RuntimeConfig: threads = -1; expected >= 0 (0 = automatic)").
  void validate() const;

  bool operator==(const RuntimeConfig& other) const;
  bool operator!=(const RuntimeConfig& other) const { return !(*this == other); }
};

// The field table of RuntimeConfig (no legacy keys).
const std::vector<Field<RuntimeConfig>>& runtime_fields();

}  // namespace ptychopinn::config
