#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "ptychopinn/io/png.h"
#include "ptychopinn/render/colormap.h"
#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/font.h"
#include "ptychopinn/render/line_plot.h"
#include "support/run_command.h"

namespace ptychopinn::render {
namespace {

// Relative luminance of an 8-bit sRGB colour.
double luminance(Rgb c) {
  auto lin = [](int v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

TEST(Colormap, ViridisEndsAreMatplotlibs) {
  EXPECT_EQ(colour_at(Colormap::kViridis, 0.0), (Rgb{68, 1, 84}));
  EXPECT_EQ(colour_at(Colormap::kViridis, 1.0), (Rgb{253, 231, 37}));
  EXPECT_EQ(colour_at(Colormap::kViridis, 2.0), colour_at(Colormap::kViridis, 1.0));  // clamped
  for (int i = 0; i < 255; ++i) {  // lightness rises monotonically: that is what makes it readable
    EXPECT_LT(luminance(colour_at(Colormap::kViridis, i / 255.0)),
              luminance(colour_at(Colormap::kViridis, (i + 1) / 255.0)) + 1e-3);
  }
}

TEST(Colormap, CyclicWrapsAndKeepsLightnessConstantInsideTheGamut) {
  EXPECT_EQ(colour_at(Colormap::kCyclic, 0.0), colour_at(Colormap::kCyclic, 1.0));
  EXPECT_EQ(colour_at(Colormap::kCyclic, 0.25), colour_at(Colormap::kCyclic, 1.25));
  const double y0 = luminance(colour_at(Colormap::kCyclic, 0.0));
  for (int i = 0; i < 64; ++i) {
    const auto c = colour_at(Colormap::kCyclic, i / 64.0);
    EXPECT_NEAR(luminance(c), y0, 0.02) << i;
    for (const auto v : c) {
      EXPECT_GT(v, 0);
      EXPECT_LT(v, 255);
    }
  }
  EXPECT_NE(colour_at(Colormap::kCyclic, 0.0), colour_at(Colormap::kCyclic, 0.5));
}

TEST(Colormap, NanIsGreyAndNamesParse) {
  EXPECT_EQ(colour_at(Colormap::kViridis, std::nan("")), kGrey);
  EXPECT_EQ(parse_colormap("cyclic"), Colormap::kCyclic);
  EXPECT_THROW(parse_colormap("virdis"), std::invalid_argument);
}

TEST(Figure, NiceTicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(nice_ticks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  const auto phase = nice_ticks(-M_PI, M_PI);
  EXPECT_EQ(phase.front(), -3);
  EXPECT_EQ(phase.back(), 3);
  EXPECT_EQ(tick_label(0.5), "0.5");
  EXPECT_EQ(tick_label(1234.0), "1.23e+03");
  EXPECT_EQ(tick_label(1e-15), "0");
}

TEST(Figure, PanelShowsTheValuesInTheColourMapWithABar) {
  Font font;
  ImagePanel p;
  p.title = "amplitude";
  p.width = 4;
  p.height = 2;
  p.values = {0, 0, 1, 1, 0, 0, 1, 1};
  p.display_size = 40;
  const auto img = render_panel(p, font);
  ASSERT_GT(img.width(), 40);
  ASSERT_GT(img.height(), 20);
  // Somewhere in the image are exactly the colours of the two values.
  bool low = false, high = false;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      low |= img.at(x, y) == colour_at(Colormap::kViridis, 0.0);
      high |= img.at(x, y) == colour_at(Colormap::kViridis, 1.0);
    }
  }
  EXPECT_TRUE(low);
  EXPECT_TRUE(high);
  p.values.pop_back();
  EXPECT_THROW(render_panel(p, font), std::invalid_argument);
}

TEST(Font, DrawsTextWhenTheFontIsInstalled) {
  Font font;
  if (!font.available()) GTEST_SKIP() << "no DejaVu Sans font (fonts-dejavu-core)";
  EXPECT_GT(font.measure("phase (rad)", 12), 30);
  RgbImage img(100, 30);
  font.draw(img, 2, 20, "π 0.5", 14, kBlack);
  int dark = 0;
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 100; ++x) dark += img.at(x, y)[0] < 128;
  EXPECT_GT(dark, 10);
  Font missing("/nonexistent/font.ttf");
  EXPECT_FALSE(missing.available());
  EXPECT_EQ(missing.measure("abc", 12), 0);
}

TEST(LinePlot, DrawsEachSeriesInItsColour) {
  Font font;
  PlotSpec spec;
  spec.title = "loss";
  spec.series.push_back({"train", {1, 2, 3}, {3, 2, 1}, series_colour(0), false});
  spec.series.push_back({"validation", {1, 2, 3}, {3.5, 2.5, 2}, series_colour(1), true});
  spec.log_y = true;
  const auto img = line_plot(spec, font);
  EXPECT_EQ(img.width(), 640);
  int first = 0, second = 0;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      first += img.at(x, y) == series_colour(0);
      second += img.at(x, y) == series_colour(1);
    }
  }
  EXPECT_GT(first, 20);
  EXPECT_GT(second, 20);
}

TEST(RgbImage, SavesAPngOfItsSize) {
  testing::TempDir dir;
  RgbImage img(7, 5, kBlack);
  img.set(3, 2, kWhite);
  save_png(dir.file("a.png"), img);
  const auto back = io::read_png_grey(dir.file("a.png"));
  EXPECT_EQ(back.width, 7);
  EXPECT_EQ(back.height, 5);
}

}  // namespace
}  // namespace ptychopinn::render
