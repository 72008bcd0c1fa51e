#include "ptychopinn/simulate/probe_source.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/physics/probe.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::simulate {
namespace {

using ptychopinn::testing::error_of;
using ptychopinn::testing::TempDir;

double masked_mean_amplitude(const torch::Tensor& probe) {
  return (probe.abs() * physics::probe_mask(probe.size(0), torch::kFloat32)).mean().item<double>();
}

std::string probe_file(const TempDir& dir, const std::string& name, const torch::Tensor& probe) {
  io::write_npz(dir.file(name), {{"probeGuess", io::from_tensor(probe)}});
  return dir.file(name);
}

TEST(SimulationProbe, DefaultDiskProbeIsNormalised) {
  const torch::Tensor p = simulation_probe("", 0, 4.0);
  EXPECT_EQ(p.sizes(), (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(p.scalar_type(), torch::kComplexFloat);
  EXPECT_NEAR(masked_mean_amplitude(p), 0.25, 1e-6);
  EXPECT_EQ(simulation_probe("", 32, 10.0).size(0), 32);
  EXPECT_NEAR(masked_mean_amplitude(simulation_probe("", 32, 10.0)), 0.1, 1e-6);
}

TEST(SimulationProbe, FileProbesOfAnyFloatTypeAndSingletonAxes) {
  TempDir dir;
  const torch::Tensor real = torch::ones({1, 16, 16}, torch::kFloat64);
  const torch::Tensor p = simulation_probe(probe_file(dir, "r.npz", real), 0, 4.0);
  EXPECT_EQ(p.sizes(), (std::vector<int64_t>{16, 16}));
  EXPECT_NEAR(masked_mean_amplitude(p), 0.25, 1e-6);
  const torch::Tensor complex = torch::full({16, 16, 1}, c10::complex<double>(0, 2), torch::kComplexDouble);
  EXPECT_EQ(simulation_probe(probe_file(dir, "c.npz", complex), 16, 4.0).size(0), 16);
}

TEST(SimulationProbe, BadProbeFilesNameTheFileAndKey) {
  TempDir dir;
  auto message = [&](const torch::Tensor& t, int64_t n) {
    const std::string path = probe_file(dir, "bad.npz", t);
    const std::string e = error_of([&] { simulation_probe(path, n, 4.0); });
    EXPECT_NE(e.find(path), std::string::npos) << e;
    EXPECT_NE(e.find("probeGuess"), std::string::npos) << e;
    return e;
  };
  EXPECT_NE(message(torch::ones({16, 8}), 0).find("expected a complex or float [N, N] probe"),
            std::string::npos);
  EXPECT_NE(message(torch::ones({16, 16}, torch::kInt32), 0).find("[N, N]"), std::string::npos);
  EXPECT_NE(message(torch::ones({16, 16}), 32).find("expected N = 32"), std::string::npos);
  EXPECT_NE(message(torch::full({16, 16}, std::numeric_limits<float>::quiet_NaN()), 0).find("non-finite"),
            std::string::npos);
  message(torch::zeros({16, 16}), 0);  // nothing inside the disk to normalise
  EXPECT_THROW(simulation_probe(dir.file("absent.npz"), 0, 4.0), std::exception);
}

}  // namespace
}  // namespace ptychopinn::simulate
