#include "ptychopinn/iterative/iterative_problem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "support/run_command.h"

namespace ptychopinn::iterative {
namespace {

std::string error_of(const IterativeProblem& p) {
  try {
    validate_problem(p);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

IterativeProblem valid_problem() {
  testing::SyntheticOptions o;
  o.step_px = 16;  // a few patterns suffice
  return testing::make_synthetic(o).problem;
}

TEST(IterativeProblem, ASyntheticProblemIsValid) { EXPECT_EQ(error_of(valid_problem()), ""); }

TEST(IterativeProblem, BadInputsAreRejectedNamingTheField) {
  IterativeProblem p = valid_problem();
  p.amplitudes[1][3][4] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_of(p),
            "synthetic: amplitudes[1] = a value nan at row 3, column 4; expected finite amplitudes >= 0 "
            "(√counts)");

  p = valid_problem();
  p.probe = torch::ones({16, 16}, torch::kComplexFloat);
  EXPECT_EQ(error_of(p),
            "synthetic: probe = [16, 16] complex64; expected [N, N] or [K, N, N] complex64 with N = 32 "
            "(the patterns' size)");

  p = valid_problem();
  p.positions_px[2][0] = 75.0;  // the window would reach column 91 of an 80-wide grid
  const std::string off = error_of(p);
  EXPECT_NE(off.find("synthetic: positions_px[2] = (75, "), std::string::npos) << off;
  EXPECT_NE(off.find("expected a patch inside the object grid: x in [16, 64]"), std::string::npos) << off;

  p = valid_problem();
  p.positions_px = p.positions_px.narrow(0, 0, 2);
  EXPECT_NE(error_of(p).find("synthetic: positions_px = [2, 2] float64; expected ["), std::string::npos);

  p = valid_problem();
  p.bad_pixels = torch::zeros({8, 8}, torch::kBool);
  EXPECT_NE(error_of(p).find("synthetic: bad_pixels = [8, 8] bool; expected [32, 32] bool"),
            std::string::npos);

  p = valid_problem();
  p.object = torch::ones({10, 10}, torch::kComplexFloat);
  EXPECT_NE(error_of(p).find("synthetic: object = [10, 10] complex64; expected [80, 80] complex64"),
            std::string::npos);

  p = valid_problem();
  p.amplitudes = p.amplitudes.narrow(2, 0, 30);
  EXPECT_NE(error_of(p).find("synthetic: amplitudes = "), std::string::npos);
}

TEST(IterativeProblem, TheCoveringGridHoldsEveryWindowWithItsMargin) {
  const torch::Tensor positions = torch::tensor({{10.5, -3.0}, {40.2, 7.75}}, torch::kDouble);
  const infer::StitchGrid g = covering_grid(positions, 16, 4);
  EXPECT_EQ(g.x_origin, 10.0 - 8 - 4);
  EXPECT_EQ(g.y_origin, -3.0 - 8 - 4);
  EXPECT_EQ(g.width, 41 - 10 + 16 + 8);
  EXPECT_EQ(g.height, 8 - (-3) + 16 + 8);
  IterativeProblem p;
  p.amplitudes = torch::ones({2, 16, 16});
  p.positions_px = positions;
  p.probe = torch::ones({16, 16}, torch::kComplexFloat);
  EXPECT_EQ(error_of(p), "");
}

TEST(IterativeProblem, ADatasetGivesItsPatternsPositionsProbeBadPixelsAndObjectGridOrSomeOfThem) {
  ptychopinn::testing::TempDir dir;
  const std::string path = dir.file("d.npz");
  const IterativeProblem synthetic = valid_problem();
  torch::Tensor bad = torch::zeros({32, 32}, torch::kBool);
  bad[16][16] = true;
  {
    io::NpzWriter w(path, false);
    w.add("diffraction", io::from_tensor(synthetic.amplitudes.contiguous()));
    w.add("xcoords", io::from_tensor(synthetic.positions_px.select(1, 0).contiguous()));
    w.add("ycoords", io::from_tensor(synthetic.positions_px.select(1, 1).contiguous()));
    w.add("probeGuess", io::from_tensor(synthetic.probe.contiguous()));
    w.add("objectGuess", io::from_tensor(torch::ones({80, 96}, torch::kComplexFloat)));
    w.add("bad_pixels", io::from_tensor(bad));
    w.close();
  }
  const data::Dataset d = data::load_dataset(path);
  const IterativeProblem p = problem_from_dataset(d);
  EXPECT_EQ(p.source, path);
  EXPECT_TRUE(torch::equal(p.amplitudes, synthetic.amplitudes));
  EXPECT_TRUE(torch::allclose(p.positions_px, synthetic.positions_px));
  ASSERT_TRUE(p.grid.has_value());
  EXPECT_EQ(p.grid->x_origin, 0.0);
  EXPECT_EQ(p.grid->width, 96);
  EXPECT_EQ(p.grid->height, 80);
  EXPECT_FALSE(p.object.defined());
  EXPECT_TRUE(torch::equal(p.bad_pixels, bad));
  EXPECT_EQ(problem_from_dataset(d, /*use_object_guess=*/true).object.sizes(), torch::IntArrayRef({80, 96}));

  // Some of the patterns, in the order asked: theirs only, on a grid covering just their positions.
  const std::vector<int64_t> points = {2, 0};
  const IterativeProblem some = problem_from_points(d, points);
  EXPECT_EQ(some.source, path);
  ASSERT_EQ(some.amplitudes.size(0), 2);
  EXPECT_TRUE(torch::equal(some.amplitudes[0], synthetic.amplitudes[2]));
  EXPECT_TRUE(torch::equal(some.amplitudes[1], synthetic.amplitudes[0]));
  EXPECT_TRUE(torch::allclose(some.positions_px[0], synthetic.positions_px[2]));
  EXPECT_TRUE(torch::allclose(some.positions_px[1], synthetic.positions_px[0]));
  EXPECT_TRUE(torch::equal(some.probe, p.probe));
  EXPECT_TRUE(torch::equal(some.bad_pixels, bad));
  ASSERT_TRUE(some.grid.has_value());
  const infer::StitchGrid covering = covering_grid(some.positions_px, 32);
  EXPECT_EQ(some.grid->x_origin, covering.x_origin);
  EXPECT_EQ(some.grid->width, covering.width);
  EXPECT_EQ(some.grid->height, covering.height);
  EXPECT_FALSE(some.object.defined());
  EXPECT_EQ(error_of(some), "");
}

}  // namespace
}  // namespace ptychopinn::iterative
