#include "support/simulated_dataset.h"

#include <vector>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/simulate/detector.h"
#include "ptychopinn/simulate/objects.h"
#include "ptychopinn/simulate/scans.h"

namespace ptychopinn::testing {

void write_simulated_dataset(const std::string& path, const SimulatedDatasetOptions& o) {
  constexpr int64_t kN = 64;
  const auto object = simulate::make_object(simulate::ObjectKind::kLines, o.object_size, o.seed);
  const auto probe = physics::normalize_probe(physics::default_probe(kN, torch::kComplexFloat), 4.0);
  const auto scan = simulate::random_scan(o.n_images, o.object_size, kN, 2.0, o.seed);
  simulate::DetectorOptions detector;
  detector.nphotons = o.nphotons;
  detector.seed = o.seed;
  const auto patterns = simulate::simulate_patterns(object, probe, scan, detector);
  const auto n = static_cast<int64_t>(scan.size());
  io::write_npz(path, {{"diffraction", io::from_tensor(patterns.amplitude)},
                       {"xcoords", io::NpyArray::from_data<double>({n}, scan.x.data())},
                       {"ycoords", io::NpyArray::from_data<double>({n}, scan.y.data())},
                       {"probeGuess", io::from_tensor(probe)},
                       {"objectGuess", io::from_tensor(object.to(torch::kComplexFloat))}});
}

}  // namespace ptychopinn::testing
