#include "ptychopinn/nets/cnn_options.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/error_of.h"

namespace ptychopinn::nets {
namespace {

using ptychopinn::testing::error_of;

TEST(CnnOptions, FromModelConfigCopiesTheNetworkFields) {
  config::ModelConfig m;
  m.N = 128;
  m.gridsize = 2;
  m.n_filters_scale = 3;
  m.object_big = false;
  m.probe_big = false;
  m.pad_object = false;
  m.amp_activation = config::AmpActivation::kSoftplus;
  const auto o = CnnOptions::from(m);
  EXPECT_EQ(o.N, 128);
  EXPECT_EQ(o.gridsize, 2);
  EXPECT_EQ(o.n_filters_scale, 3);
  EXPECT_FALSE(o.object_big);
  EXPECT_FALSE(o.probe_big);
  EXPECT_FALSE(o.pad_object);
  EXPECT_EQ(o.amp_activation, config::AmpActivation::kSoftplus);
}

TEST(CnnOptions, DefaultsAreTheModernModelConfig) {
  const auto o = CnnOptions::from(config::ModelConfig{});
  const CnnOptions d;
  EXPECT_EQ(o.N, d.N);
  EXPECT_EQ(o.gridsize, d.gridsize);
  EXPECT_EQ(o.n_filters_scale, d.n_filters_scale);
  EXPECT_EQ(o.object_big, d.object_big);
  EXPECT_EQ(o.probe_big, d.probe_big);
  EXPECT_EQ(o.pad_object, d.pad_object);
  EXPECT_EQ(o.amp_activation, d.amp_activation);
}

TEST(CnnOptions, ChannelsAreTheGroupSizeOrOneWithoutObjectBig) {
  CnnOptions o;
  o.gridsize = 2;
  EXPECT_EQ(o.channels_in(), 4);
  EXPECT_EQ(o.channels_out(), 4);
  o.object_big = false;
  EXPECT_EQ(o.channels_out(), 1);
  o.gridsize = 3;
  EXPECT_EQ(o.channels_in(), 9);
}

TEST(CnnOptions, RejectsAnUnsupportedPatchSizeNamingN) {
  CnnOptions o;
  o.N = 96;
  const auto message = error_of([&] { o.validate(); });
  EXPECT_NE(message.find("N = 96"), std::string::npos) << message;
  EXPECT_NE(message.find("64, 128 or 256"), std::string::npos) << message;
  EXPECT_NE(error_of([&] { encoder_filters(o); }), "");
  o.N = 64;
  o.gridsize = 0;
  EXPECT_NE(error_of([&] { o.validate(); }).find("gridsize = 0"), std::string::npos);
  o.gridsize = 1;
  o.n_filters_scale = 0;
  EXPECT_NE(error_of([&] { o.validate(); }).find("n_filters_scale = 0"), std::string::npos);
}

TEST(CnnOptions, LayerWidthsFollowTheSpecTablesTimesTheFilterScale) {
  CnnOptions o;  // nfs 2
  EXPECT_EQ(encoder_filters(o), (std::vector<int>{64, 128, 256}));
  EXPECT_EQ(decoder_filters(o), (std::vector<int>{128, 64}));
  EXPECT_EQ(head_up_filters(o), 64);
  o.N = 128;
  EXPECT_EQ(encoder_filters(o), (std::vector<int>{32, 64, 128, 256}));
  EXPECT_EQ(decoder_filters(o), (std::vector<int>{256, 128, 64}));
  EXPECT_EQ(head_up_filters(o), 32);
  o.N = 256;
  o.n_filters_scale = 1;
  EXPECT_EQ(encoder_filters(o), (std::vector<int>{8, 16, 32, 64, 128}));
  EXPECT_EQ(decoder_filters(o), (std::vector<int>{256, 128, 64, 32}));
  EXPECT_EQ(head_up_filters(o), 8);
}

}  // namespace
}  // namespace ptychopinn::nets
