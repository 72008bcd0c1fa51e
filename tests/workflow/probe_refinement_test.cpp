#include "ptychopinn/workflow/probe_refinement.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/workflow/train_run.h"
#include "support/run_command.h"
#include "support/simulated_dataset.h"

namespace ptychopinn::workflow {
namespace {

using testing::read_text;
using testing::TempDir;

double overlap(const torch::Tensor& a, const torch::Tensor& b) {
  const auto x = a.to(torch::kComplexDouble), y = b.to(torch::kComplexDouble);
  return torch::abs((x.conj() * y).sum()).item<double>() /
         (torch::linalg_vector_norm(x, 2, c10::nullopt, false, c10::nullopt).item<double>() *
          torch::linalg_vector_norm(y, 2, c10::nullopt, false, c10::nullopt).item<double>());
}

// The probe narrowed by a Gaussian taper of `sigma` pixels about the centre. (Not a defocus: that
// changes only the phase of the probe's far field, which the weak test object barely reveals.)
torch::Tensor narrowed(const torch::Tensor& probe, double sigma) {
  const int64_t n = probe.size(0);
  const auto c = torch::arange(n, torch::kDouble) - static_cast<double>(n / 2);
  const auto r2 = c.unsqueeze(1).square() + c.unsqueeze(0).square();
  return probe * torch::exp(-r2 / (2 * sigma * sigma)).to(torch::kComplexFloat);
}

// The helper's dataset again, with a _metadata naming `ptychopinn simulate` as its maker.
void add_simulation_metadata(const std::string& from, const std::string& to) {
  const io::NpzReader in(from);
  std::vector<std::pair<std::string, io::NpyArray>> members;
  for (const auto& key : in.keys()) members.emplace_back(key, in.read(key));
  members.emplace_back("_metadata",
                       io::NpyArray::scalar_string(
                           R"({"creation_info": {"script": "ptychopinn simulate"}, "simulation": {}})"));
  io::write_npz(to, members);
}

TEST(ProbeRefinement, AutoRefinesUnlessTheProbeIsKnownToBeExact) {
  TempDir dir;
  testing::write_simulated_dataset(dir.file("plain.npz"), {});
  add_simulation_metadata(dir.file("plain.npz"), dir.file("simulated.npz"));
  const auto plain = data::load_dataset(dir.file("plain.npz"));
  const auto simulated = data::load_dataset(dir.file("simulated.npz"));
  config::TrainingConfig c;
  EXPECT_EQ(probe_refinement_iterations(c, plain), kDefaultProbeRefinementIterations);
  EXPECT_EQ(probe_refinement_iterations(c, simulated), 0);
  c.probe_file = dir.file("probe.npy");  // the user chose the probe
  EXPECT_EQ(probe_refinement_iterations(c, plain), 0);
  c.probe_refinement_iterations = 7;  // an explicit count wins either way
  EXPECT_EQ(probe_refinement_iterations(c, plain), 7);
  EXPECT_EQ(probe_refinement_iterations(c, simulated), 7);
  c.probe_refinement_iterations = 0;
  EXPECT_EQ(probe_refinement_iterations(c, plain), 0);
}

TEST(ProbeRefinement, ANarrowStartMovesTowardsTheProbeThatMadeThePatterns) {
  TempDir dir;
  testing::SimulatedDatasetOptions o;
  o.n_images = 160;
  o.nphotons = 1e9;
  testing::write_simulated_dataset(dir.file("d.npz"), o);
  const auto dataset = data::load_dataset(dir.file("d.npz"));
  const torch::Tensor truth = dataset.probe();
  const torch::Tensor wrong = narrowed(truth, 4.0);
  const double before = overlap(wrong, truth);
  ASSERT_LT(before, 0.8);  // the start is really wrong

  at::set_num_threads(2);
  const auto r = refine_probe(dataset, wrong, 40, torch::kCPU);
  EXPECT_EQ(r.iterations, 40);
  EXPECT_EQ(r.patterns, 160);
  EXPECT_EQ(r.probe.sizes(), truth.sizes());
  EXPECT_NEAR(r.overlap, overlap(wrong, r.probe), 1e-4);
  const double after = overlap(r.probe, truth);
  EXPECT_GT(after, before + 0.08) << "from " << before;
  EXPECT_GT(r.fourier_error, 0.0);
}

TEST(ProbeRefinement, TakesOnlyTheCentralPatternsOfALargeScan) {
  TempDir dir;
  testing::write_simulated_dataset(dir.file("d.npz"), {});
  const auto dataset = data::load_dataset(dir.file("d.npz"));
  at::set_num_threads(2);
  const auto r = refine_probe(dataset, dataset.probe(), 2, torch::kCPU, 16);
  EXPECT_EQ(r.patterns, 16);
  EXPECT_EQ(r.iterations, 2);
}

TEST(ProbeRefinement, ATrainingRunRefinesItsStartingProbeAndRecordsTheCount) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  struct Notes : TrainRunEvents {
    void on_note(const std::string& text) override { notes += text + "\n"; }
    std::string notes;
  };
  const auto run = [&](const std::string& out, std::optional<int> iterations) {
    TrainRunRequest r;
    r.config.train_data_file = data;
    r.config.output_dir = dir.file(out);
    r.config.model.n_filters_scale = 1;
    r.config.nepochs = 1;
    r.config.batch_size = 8;
    r.config.n_groups = 16;
    r.config.probe_refinement_iterations = iterations;
    r.config.runtime.device = config::Device::kCpu;
    r.config.runtime.threads = 2;
    Notes events;
    const auto result = train_run(r, events);
    return std::make_pair(events.notes, result.archive.probe);
  };
  const auto [refined_notes, refined] = run("auto", std::nullopt);
  EXPECT_NE(refined_notes.find("refined by 50 LSQML iterations"), std::string::npos) << refined_notes;
  EXPECT_NE(read_text(dir.file("auto/config.yaml")).find("probe_refinement_iterations: 50"),
            std::string::npos);

  const auto [kept_notes, kept] = run("off", 0);
  EXPECT_EQ(kept_notes.find("refined by"), std::string::npos) << kept_notes;
  const auto given = physics::normalize_probe(data::load_dataset(data).probe(), 4.0);
  EXPECT_TRUE(torch::allclose(kept, given, 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(refined, given, 1e-3, 1e-4));
}

}  // namespace
}  // namespace ptychopinn::workflow
