#include "ptychopinn/simulate/object_source.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ptychopinn/io/png.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::simulate {
namespace {

using ptychopinn::testing::error_of;
using ptychopinn::testing::TempDir;

// A width × height grey PNG whose pixel (r, c) is value(r, c).
template <class F>
std::string grey_png(const TempDir& dir, const std::string& name, int width, int height, F value) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(width * height));
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) px[static_cast<std::size_t>(r * width + c)] = value(r, c);
  io::write_png(dir.file(name), width, height, 1, px.data());
  return dir.file(name);
}

TEST(ObjectSpec, KindsAndImagePaths) {
  EXPECT_EQ(parse_object_spec("grf").kind, ObjectKind::kGrf);
  EXPECT_EQ(parse_object_spec("grf").kind_name(), "grf");
  const ObjectSpec image = parse_object_spec("image:dir/a b.png");
  EXPECT_FALSE(image.kind);
  EXPECT_EQ(image.image_path, "dir/a b.png");
  EXPECT_EQ(image.kind_name(), "image");
  for (const char* bad : {"", "Lines", "image:", "image", "png:x.png"}) {
    EXPECT_NE(error_of([&] {
                parse_object_spec(bad);
              }).find("expected one of lines, grf, points, diagonals or image:PATH"),
              std::string::npos)
        << bad;
  }
}

TEST(LoadGreyPicture, KeepsTheCentreSquareAndResamplesOnlyWhenAsked) {
  TempDir dir;
  // 80 wide, 60 high: the centre square is columns 10..69; the bands outside it are white.
  const std::string path = grey_png(dir, "p.png", 80, 60, [](int r, int c) {
    return static_cast<std::uint8_t>(c < 10 || c >= 70 ? 255 : r + c);
  });
  const torch::Tensor g = load_grey_picture(path, 0);
  ASSERT_EQ(g.sizes(), (std::vector<int64_t>{60, 60}));
  EXPECT_NEAR(g[0][0].item<double>(), 10 / 255.0, 1e-7);
  EXPECT_NEAR(g[59][59].item<double>(), (59 + 69) / 255.0, 1e-7);
  const torch::Tensor small = load_grey_picture(path, 30);
  ASSERT_EQ(small.sizes(), (std::vector<int64_t>{30, 30}));
  EXPECT_LT(small.max().item<double>(), 0.6) << "the white bands were cropped away";
  EXPECT_NEAR(small.mean().item<double>(), g.mean().item<double>(), 0.01);
  EXPECT_EQ(load_grey_picture(path, 120).size(0), 120);
}

TEST(MakeSimulationObject, SyntheticImageAndPhaseSources) {
  TempDir dir;
  ObjectRequest r;
  r.spec = parse_object_spec("points");
  r.size = 64;
  const torch::Tensor flat = make_simulation_object(r);
  EXPECT_EQ(flat.scalar_type(), torch::kComplexFloat);
  EXPECT_EQ(flat.sizes(), (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(torch::angle(flat).abs().max().item<double>(), 0.0);
  r.set_phi = true;
  EXPECT_GT(torch::angle(make_simulation_object(r)).abs().max().item<double>(), 0.1);

  r = ObjectRequest();
  r.spec = parse_object_spec(
      "image:" + grey_png(dir, "o.png", 64, 64, [](int, int c) { return static_cast<std::uint8_t>(4 * c); }));
  r.phase_image = grey_png(dir, "phi.png", 64, 64, [](int, int) { return std::uint8_t{255}; });
  const torch::Tensor image = make_simulation_object(r);
  EXPECT_NEAR(image.abs()[5][10].item<double>(), 40 / 255.0, 1e-6);
  EXPECT_NEAR(torch::angle(image)[5][10].item<double>(), M_PI / 2, 1e-6);

  r.set_phi = true;
  EXPECT_NE(error_of([&] { make_simulation_object(r); }).find("phase_image = "), std::string::npos);
  r.set_phi = false;
  r.spec = parse_object_spec("image:" +
                             grey_png(dir, "tiny.png", 32, 32, [](int, int) { return std::uint8_t{9}; }));
  const std::string e = error_of([&] { make_simulation_object(r); });
  EXPECT_NE(e.find("object_size = 32"), std::string::npos) << e;
  r.size = 64;  // resampled up, it is fine
  EXPECT_EQ(make_simulation_object(r).size(0), 64);
  r.spec = parse_object_spec("lines");
  r.size = 8000;
  EXPECT_NE(error_of([&] { make_simulation_object(r); }).find("object_size = 8000"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::simulate
