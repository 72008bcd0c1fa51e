#pragma once
// The probe a simulation illuminates with: the reference's default disk probe, or the probeGuess
// of an NPZ (an earlier reconstruction, a measured probe), normalised as the model normalises its
// probe (physics/probe.h), so simulated data and the model share one object amplitude gauge.
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace ptychopinn::simulate {

// The default disk probe at N = 64 unless told otherwise.
inline constexpr int64_t kDefaultProbeSize = 64;

// path "" : physics::default_probe(n, or kDefaultProbeSize when n = 0).
// path set: the member probeGuess of that NPZ, [N, N] (or [1, N, N], [N, N, 1]), complex or real
// float of any precision; n must be 0 or equal its size.
// Then physics::normalize_probe(probe, probe_scale). Returns [N, N] complex64.
// Throws IoError naming the file when it cannot be read; std::invalid_argument naming the file and
// 'probeGuess' when the member is missing, not square, of another size than n, not numeric, not
// finite or zero inside the probe disk; std::invalid_argument for probe_scale <= 0 or n in 1..3.
torch::Tensor simulation_probe(const std::string& path, int64_t n, double probe_scale);

}  // namespace ptychopinn::simulate
