#include "ptychopinn/simulate/probe_source.h"

#include <stdexcept>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {
namespace {

constexpr const char* kKey = "probeGuess";

torch::Tensor read_probe(const std::string& path, int64_t n) {
  const io::NpzReader archive(path);
  if (!archive.contains(kKey)) {
    throw std::invalid_argument(path + ": key 'probeGuess' is missing (keys: " + join(archive.keys(), ", ") +
                                "); expected the probe as probeGuess [N, N]");
  }
  const io::NpyArray array = archive.read(kKey);
  // (1, N, N) and (N, N, 1) are the same probe with a mode or channel axis.
  std::vector<int64_t> shape;
  for (int64_t d : array.shape()) {
    if (d != 1 || array.ndim() != 3) shape.push_back(d);
  }
  const bool numeric = io::is_complex(array.dtype()) || io::is_floating(array.dtype());
  if (!numeric || shape.size() != 2 || shape[0] != shape[1]) {
    throw std::invalid_argument(path + ": key 'probeGuess' is " + array.descr() + " " +
                                format_shape(array.shape()) + "; expected a complex or float [N, N] probe");
  }
  if (n > 0 && shape[0] != n) {
    throw std::invalid_argument(path + ": key 'probeGuess' is " + format_shape(array.shape()) +
                                "; expected N = " + std::to_string(n) +
                                " (leave N unset to use the probe's size)");
  }
  torch::Tensor probe = io::to_tensor(array).reshape(shape).to(torch::kComplexFloat).contiguous();
  if (!torch::isfinite(torch::view_as_real(probe)).all().item<bool>()) {
    throw std::invalid_argument(path + ": key 'probeGuess' has non-finite values; expected a finite probe");
  }
  return probe;
}

}  // namespace

torch::Tensor simulation_probe(const std::string& path, int64_t n, double probe_scale) {
  torch::Tensor probe = path.empty()
                            ? physics::default_probe(n > 0 ? n : kDefaultProbeSize, torch::kComplexFloat)
                            : read_probe(path, n);
  try {
    return physics::normalize_probe(probe, probe_scale);
  } catch (const std::invalid_argument& e) {
    if (path.empty()) throw;
    throw std::invalid_argument(path + ": key 'probeGuess': " + e.what());
  }
}

}  // namespace ptychopinn::simulate
