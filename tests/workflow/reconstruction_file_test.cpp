#include "ptychopinn/workflow/reconstruction_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::workflow {
namespace {

using testing::io_error_of;
using testing::TempDir;

torch::Tensor probe_modes(int64_t k, int64_t n) {
  torch::manual_seed(5);
  return torch::complex(torch::randn({k, n, n}), torch::randn({k, n, n}));
}

TEST(StartingProbe, AReconstructionGivesItsStrongestModeADatasetItsProbeGuessAnNpyItself) {
  TempDir dir;
  const auto modes = probe_modes(2, 8);
  io::write_npz(dir.file("reconstruction.npz"), {{"probe", io::from_tensor(modes)}});
  EXPECT_TRUE(torch::equal(read_starting_probe(dir.file("reconstruction.npz")), modes[0]));
  io::write_npz(dir.file("d.npz"), {{"probeGuess", io::from_tensor(modes[1])}});
  EXPECT_TRUE(torch::equal(read_starting_probe(dir.file("d.npz")), modes[1]));
  io::write_npy(dir.file("p.npy"), io::from_tensor(modes[1].contiguous()));
  EXPECT_TRUE(torch::equal(read_starting_probe(dir.file("p.npy")), modes[1]));
}

TEST(StartingProbe, AFileWithoutAProbeOrWithABadOneIsNamed) {
  TempDir dir;
  io::write_npz(dir.file("other.npz"), {{"objectGuess", io::from_tensor(probe_modes(1, 8)[0])}});
  const auto missing = io_error_of([&] { read_starting_probe(dir.file("other.npz")); });
  EXPECT_NE(missing.find("other.npz"), std::string::npos) << missing;
  EXPECT_NE(missing.find("probeGuess"), std::string::npos) << missing;
  io::write_npz(dir.file("real.npz"), {{"probeGuess", io::from_tensor(torch::ones({8, 8}))}});
  EXPECT_NE(io_error_of([&] { read_starting_probe(dir.file("real.npz")); }).find("expected a complex [N, N]"),
            std::string::npos);
  auto bad = probe_modes(1, 8)[0].clone();
  bad[0][0] = c10::complex<float>(std::nanf(""), 0.0f);
  io::write_npz(dir.file("nan.npz"), {{"probeGuess", io::from_tensor(bad)}});
  EXPECT_NE(io_error_of([&] { read_starting_probe(dir.file("nan.npz")); }).find("not finite"),
            std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::workflow
