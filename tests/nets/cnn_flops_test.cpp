#include "ptychopinn/nets/cnn_flops.h"

#include <gtest/gtest.h>

#include "nets/nets_test_util.h"
#include "ptychopinn/nets/cnn.h"

namespace ptychopinn::nets {
namespace {

using testing::options;

TEST(ConvLayerShapes, FirstLayerIsCountedByHand) {
  const auto layers = conv_layer_shapes(options(64, 1));
  const auto& first = layers.front();
  EXPECT_EQ(first.in_channels, 1);
  EXPECT_EQ(first.out_channels, 64);
  EXPECT_EQ(first.height, 64);
  // 64 x 64 outputs, each 3 x 3 x 1 multiply-adds per output channel, 64 channels, x 2.
  EXPECT_DOUBLE_EQ(first.flops(), 2.0 * 64 * 64 * 9 * 1 * 64);
  EXPECT_EQ(first.parameters(), 9 * 64 + 64);
  // The second conv of the first block: 64 -> 64 at 64 x 64.
  EXPECT_DOUBLE_EQ(layers[1].flops(), 2.0 * 64 * 64 * 9 * 64 * 64);
  // The ring branch's last conv runs at full resolution: 64 -> 1 at 64 x 64.
  EXPECT_EQ(layers.back().height, 64);
  EXPECT_EQ(layers.back().in_channels, 64);
  EXPECT_EQ(layers.back().out_channels, 1);
}

TEST(ConvLayerShapes, DescribeTheSameParametersAsTheModule) {
  for (const auto& o : {options(64, 1), options(64, 1, true, false), options(64, 2), options(64, 2, false),
                        options(128, 1), options(256, 1)}) {
    int64_t total = 0;
    for (const auto& layer : conv_layer_shapes(o)) total += layer.parameters();
    CnnGenerator net(o);
    EXPECT_EQ(total, count_trainable_parameters(*net)) << "N = " << o.N << ", gridsize = " << o.gridsize;
  }
  auto o = options(64, 2);
  o.pad_object = false;
  int64_t total = 0;
  for (const auto& layer : conv_layer_shapes(o)) total += layer.parameters();
  EXPECT_EQ(total, count_trainable_parameters(*CnnGenerator(o)));
}

TEST(ForwardFlops, IsAbout1point44GflopPerPatternForThePaperNetAtN64) {
  // The paper's net (probe_big = false): 2.25 M parameters, 1.44 GFLOP per pattern.
  EXPECT_NEAR(forward_flops(options(64, 1, true, false)) / 1e9, 1.44, 0.01);
  EXPECT_DOUBLE_EQ(forward_flops(options(64, 1, true, false)), 2.0 * 720691200);
  // The outer-ring branch adds a full-resolution up-block per decoder: 1.61 GFLOP.
  EXPECT_NEAR(forward_flops(options(64, 1)) / 1e9, 1.611, 0.001);
  // A group of 4 costs the same except the first conv (1 -> 4 input channels) and the heads.
  const double first_conv_extra = 2.0 * 64 * 64 * 9 * (4 - 1) * 64;
  EXPECT_DOUBLE_EQ(forward_flops(options(64, 2, false)) - forward_flops(options(64, 1)), first_conv_extra);
}

TEST(LargestActivation, IsTheWidestFullResolutionLayer) {
  // nfs 2: the first encoder layers have 64 filters at N x N at N = 64 (32 at N = 128), and
  // nothing is larger.
  EXPECT_EQ(largest_activation_elements(options(64, 1)), 64 * 64 * 64);
  EXPECT_EQ(largest_activation_elements(options(128, 2)), 32 * 128 * 128);
  CnnOptions narrow = options(64, 1);
  narrow.n_filters_scale = 1;
  EXPECT_EQ(largest_activation_elements(narrow), 32 * 64 * 64);
}

}  // namespace
}  // namespace ptychopinn::nets
