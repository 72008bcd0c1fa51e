#include "ptychopinn/infer/reconstruct.h"

#include <gtest/gtest.h>

#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/physics/probe.h"
#include "support/run_command.h"
#include "support/simulated_dataset.h"

namespace ptychopinn::infer {
namespace {

struct Fixture {
  testing::TempDir dir;
  data::PreparedData data;
  model::PinnModel model{nullptr};

  explicit Fixture(int gridsize) {
    testing::SimulatedDatasetOptions o;
    o.n_images = 24;
    testing::write_simulated_dataset(dir.file("sim.npz"), o);
    config::InferenceConfig c;
    c.model.gridsize = gridsize;
    auto options = data::pipeline_options(c);
    options.cache.enabled = false;
    data = data::prepare_data(dir.file("sim.npz"), options);
    config::TrainingConfig t;
    t.model.gridsize = gridsize;
    t.model.n_filters_scale = 1;
    model = model::PinnModel(model::PinnOptions::from(t, 30.0),
                             physics::normalize_probe(physics::default_probe(64, torch::kComplexFloat), 4.0));
  }
};

TEST(Reconstruct, CoversEveryGroupAndDoesNotDependOnTheBatchSize) {
  Fixture f(1);
  ReconstructOptions a, b;
  a.batch_size = 5;
  b.batch_size = 64;
  b.keep_patches = true;
  const auto ra = reconstruct(*f.model, *f.data.groups, a);
  const auto rb = reconstruct(*f.model, *f.data.groups, b);
  EXPECT_EQ(ra.centres.size(0), f.data.groups->size());
  EXPECT_TRUE(torch::allclose(ra.image.object, rb.image.object, 1e-5, 1e-6));
  EXPECT_EQ(rb.patches.sizes(), torch::IntArrayRef({f.data.groups->size(), 64, 64}));
  EXPECT_FALSE(ra.patches.defined());
  EXPECT_EQ(ra.stitch_crop, 20);
  const auto grid = reference_stitch_grid(ra.centres, 20);
  EXPECT_DOUBLE_EQ(ra.image.grid.x_origin, grid.x_origin);
  EXPECT_EQ(ra.image.object.size(1), grid.width);
  EXPECT_GT(ra.image.coverage.max().item<double>(), 0.5);
}

TEST(Reconstruct, GroupObjectAtGridsize2IsTheCentreOfTheMergedCanvas) {
  Fixture f(2);
  const auto batch = f.data.groups->batch({0, 1, 2});
  const auto objects = predict_group_objects(*f.model, batch);
  ASSERT_EQ(objects.sizes(), torch::IntArrayRef({3, 64, 64}));
  torch::NoGradGuard no_grad;
  const auto generated = f.model->generate(batch.patterns);
  const auto canvas =
      physics::merge(generated, batch.coords_relative.to(torch::kFloat32), f.model->options().canvas_size,
                     f.model->options().merge, f.model->probe());
  EXPECT_TRUE(torch::allclose(objects, physics::crop_center(canvas, 64)));
}

TEST(Reconstruct, RejectsBadOptions) {
  Fixture f(1);
  ReconstructOptions o;
  o.batch_size = 0;
  EXPECT_THROW(reconstruct(*f.model, *f.data.groups, o), std::invalid_argument);
  o.batch_size = 8;
  o.stitch_crop = 65;
  EXPECT_THROW(reconstruct(*f.model, *f.data.groups, o), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::infer
