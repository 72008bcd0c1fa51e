#include "ptychopinn/nets/cnn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nets/nets_test_util.h"
#include "ptychopinn/nets/winograd_conv3x3.h"
#include "support/error_of.h"

namespace ptychopinn::nets {
namespace {

using ptychopinn::testing::error_of;
using testing::input;
using testing::options;
using Sizes = std::vector<int64_t>;

// The outer ring (outside the central N/2 block) of [B, C, N, N]: the block is cut out by zeroing.
torch::Tensor ring_of(const torch::Tensor& t) {
  const int64_t n = t.size(-1);
  auto ring = t.clone();
  ring.narrow(-2, n / 4, n / 2).narrow(-1, n / 4, n / 2).zero_();
  return ring;
}

torch::Tensor centre_of(const torch::Tensor& t) {
  const int64_t n = t.size(-1);
  return t.narrow(-2, n / 4, n / 2).narrow(-1, n / 4, n / 2);
}

struct CountCase {
  CnnOptions options;
  int64_t parameters;
};

// The trainable parameter counts of the reference's paper CNN, computed from its layer shapes.
std::vector<CountCase> spec_table() {
  return {{options(64, 1), 2331772},  {options(64, 1, true, false), 2252026},
          {options(64, 2), 2340208},  {options(64, 2, false), 2333500},
          {options(128, 1), 4661212}, {options(128, 2), 4667056},
          {options(256, 1), 12912268}};
}

TEST(CnnGenerator, HasTheSpecsTrainableParameterCounts) {
  for (const auto& c : spec_table()) {
    CnnGenerator net(c.options);
    EXPECT_EQ(count_trainable_parameters(*net), c.parameters)
        << "N = " << c.options.N << ", gridsize = " << c.options.gridsize
        << ", object_big = " << c.options.object_big << ", probe_big = " << c.options.probe_big;
  }
}

TEST(CnnGenerator, OutputsAmplitudeAndPhaseOfShapeBCoutNN) {
  torch::NoGradGuard no_grad;
  for (const auto& c : spec_table()) {
    CnnGenerator net(c.options);
    const int64_t batch = c.options.N == 64 ? 2 : 1;
    const auto out = net->forward(input(c.options, batch));
    const Sizes expected{batch, c.options.channels_out(), c.options.N, c.options.N};
    EXPECT_EQ(out.amplitude.sizes(), expected)
        << "N = " << c.options.N << ", gridsize = " << c.options.gridsize;
    EXPECT_EQ(out.phase.sizes(), expected);
    EXPECT_EQ(out.amplitude.scalar_type(), torch::kFloat32);
  }
}

TEST(CnnGenerator, SpecShapesAtN64AndN128) {
  torch::NoGradGuard no_grad;
  // The reference's shapes: encoder out 8 x 8 x 256 (g = 1 and 2); the decoder base reaches N/2
  // with 64 channels.
  for (const int n : {64, 128}) {
    const auto o = options(n, 2);
    CnnEncoder encoder(o);
    const auto features = encoder(input(o, 1));
    EXPECT_EQ(features.sizes(), (Sizes{1, 256, 8, 8}));
    CnnDecoder decoder(o, DecoderKind::kAmplitude);
    EXPECT_EQ(decoder(features).sizes(), (Sizes{1, 4, n, n}));
  }
}

TEST(CnnGenerator, AmplitudeAndPhaseStayInTheirActivationsRanges) {
  torch::NoGradGuard no_grad;
  using config::AmpActivation;
  for (const auto activation :
       {AmpActivation::kSigmoid, AmpActivation::kSwish, AmpActivation::kSoftplus, AmpActivation::kRelu}) {
    auto o = options(64, 1);
    o.amp_activation = activation;
    CnnGenerator net(o);
    const auto out = net->forward(input(o, 2) * 10);
    const auto amp = centre_of(out.amplitude);
    const double lo = amp.min().item<double>(), hi = amp.max().item<double>();
    switch (activation) {
      case AmpActivation::kSigmoid:
        EXPECT_GT(lo, 0.0);
        EXPECT_LT(hi, 1.0);
        break;
      case AmpActivation::kSwish:
        EXPECT_GE(lo, -0.2785);
        break;
      case AmpActivation::kSoftplus:
        EXPECT_GT(lo, 0.0);
        break;
      case AmpActivation::kRelu:
        EXPECT_GE(lo, 0.0);
        break;
    }
    const auto phase = centre_of(out.phase);
    EXPECT_GT(phase.min().item<double>(), -M_PI);
    EXPECT_LT(phase.max().item<double>(), M_PI);
    // The ring is the swish branch in both decoders.
    EXPECT_GE(ring_of(out.amplitude).min().item<double>(), -0.2785);
    EXPECT_GE(ring_of(out.phase).min().item<double>(), -0.2785);
    EXPECT_GT(ring_of(out.amplitude).abs().max().item<double>(), 0.0);
  }
}

TEST(CnnGenerator, WithoutProbeBigTheBorderOutsideTheCentralBlockIsExactlyZero) {
  torch::NoGradGuard no_grad;
  for (const int gridsize : {1, 2}) {
    const auto o = options(64, gridsize, true, false);
    CnnGenerator net(o);
    const auto out = net->forward(input(o, 2));
    EXPECT_EQ(ring_of(out.amplitude).abs().max().item<float>(), 0.0f);
    EXPECT_EQ(ring_of(out.phase).abs().max().item<float>(), 0.0f);
    EXPECT_GT(centre_of(out.amplitude).min().item<float>(), 0.0f);  // sigmoid
  }
}

TEST(CnnGenerator, ProbeBigAddsTheRingAndLeavesTheCentralBlockAsWithoutIt) {
  torch::NoGradGuard no_grad;
  const auto with_ring = options(64, 1, true, true), without = options(64, 1, true, false);
  CnnGenerator big(with_ring), small(without);
  // Share weights: every parameter of the ring-free net exists under the same name in the other.
  const auto big_params = big->named_parameters();
  for (auto& p : small->named_parameters()) {
    ASSERT_TRUE(big_params.contains(p.key())) << p.key();
    p.value().copy_(big_params[p.key()]);
  }
  const auto x = input(with_ring, 2);
  const auto a = big->forward(x), b = small->forward(x);
  EXPECT_TRUE(torch::equal(centre_of(a.amplitude), centre_of(b.amplitude)));
  EXPECT_TRUE(torch::equal(centre_of(a.phase), centre_of(b.phase)));
  EXPECT_GT(ring_of(a.amplitude).abs().sum().item<float>(), 0.0f);
}

TEST(CnnGenerator, WithoutPadObjectPredictsTheFullPatchAtFullResolution) {
  torch::NoGradGuard no_grad;
  auto o = options(64, 2);
  o.pad_object = false;
  CnnGenerator net(o);
  const auto out = net->forward(input(o, 1));
  EXPECT_EQ(out.amplitude.sizes(), (Sizes{1, 4, 64, 64}));
  EXPECT_GT(out.amplitude.min().item<float>(), 0.0f);  // sigmoid everywhere, no zero border
  EXPECT_LT(out.amplitude.max().item<float>(), 1.0f);
  EXPECT_LT(out.phase.abs().max().item<float>(), M_PI);
  const auto names = net->named_parameters();
  EXPECT_FALSE(names.contains("decoder_amp.amp.conv1.weight"));  // the central-block conv is unused
  EXPECT_TRUE(names.contains("decoder_amp.amp.conv_up_block.conv1.weight"));
  // conv_up_block takes all 64 base channels: 64 -> 64 -> 64, then conv2 64 -> 4.
  EXPECT_EQ(names["decoder_amp.amp.conv_up_block.conv1.weight"].sizes(), (Sizes{64, 64, 3, 3}));
  EXPECT_EQ(names["decoder_amp.amp.conv2.weight"].sizes(), (Sizes{4, 64, 3, 3}));
}

// Without autograd a batch larger than a chunk runs chunk by chunk; the groups are independent, so
// the result is the one-pass result (with autograd on, which never chunks) to float rounding.
TEST(CnnGenerator, ALargeBatchWithoutAutogradRunsInChunksWithTheSameResult) {
  CnnOptions o = options(64, 1);
  o.n_filters_scale = 1;
  CnnGenerator net(o);
  EXPECT_EQ(net->inference_chunk(), 32);  // 16 MiB / (32 x 64 x 64 floats)
  EXPECT_EQ(CnnGenerator(options(64, 1))->inference_chunk(), 16);
  EXPECT_EQ(CnnGenerator(options(128, 1))->inference_chunk(), 8);
  const torch::Tensor x = input(o, 2 * 32 + 3, 11);
  CnnOutput whole;
  {
    const CnnOutput out = net->forward(x);
    whole = {out.amplitude.detach(), out.phase.detach()};
  }
  torch::NoGradGuard no_grad;
  const CnnOutput chunked = net->forward(x);
  ASSERT_EQ(chunked.amplitude.sizes(), whole.amplitude.sizes());
  EXPECT_TRUE(chunked.amplitude.is_contiguous() && chunked.phase.is_contiguous());
  EXPECT_TRUE(torch::allclose(chunked.amplitude, whole.amplitude, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(chunked.phase, whole.phase, 1e-5, 1e-6));
  // Each group's output is its own: the last group alone gives the last row.
  const CnnOutput last = net->forward(x.narrow(0, x.size(0) - 1, 1));
  EXPECT_TRUE(torch::allclose(chunked.amplitude[-1], last.amplitude[0], 1e-5, 1e-6));
}

// A batch of one without autograd takes the direct oneDNN convolutions (cnn_blocks.h), in every
// block, both decoders and the ring branch: the same output as with autograd on, to rounding.
TEST(CnnGenerator, ABatchOfOneWithoutAutogradGivesTheAutogradResult) {
  for (const int gridsize : {1, 2}) {
    CnnOptions o = options(64, gridsize);
    o.n_filters_scale = 1;
    ASSERT_TRUE(o.probe_big && o.pad_object);
    CnnGenerator net(o);
    const torch::Tensor x = input(o, 1, 5);
    const CnnOutput with_grad = net->forward(x);
    torch::NoGradGuard no_grad;
    const CnnOutput out = net->forward(x);
    EXPECT_TRUE(torch::allclose(out.amplitude, with_grad.amplitude.detach(), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(out.phase, with_grad.phase.detach(), 1e-5, 1e-6));
  }
}

// Inference at batches of WinogradConv3x3::kMinBatch and more runs the wide convolutions with
// Winograd (where this CPU has it): the autograd result to float rounding; switched off, LibTorch's.
TEST(CnnGenerator, BatchedInferenceGivesTheAutogradResultWithOrWithoutWinograd) {
  for (const int gridsize : {1, 2}) {
    CnnOptions o = options(64, gridsize);
    o.n_filters_scale = 1;
    CnnGenerator net(o);
    EXPECT_TRUE(net->winograd());
    const torch::Tensor x = input(o, WinogradConv3x3::kMinBatch + 1, 6);
    const CnnOutput with_grad = net->forward(x);
    torch::NoGradGuard no_grad;
    const CnnOutput fast = net->forward(x);
    EXPECT_TRUE(torch::allclose(fast.amplitude, with_grad.amplitude.detach(), 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(fast.phase, with_grad.phase.detach(), 1e-4, 1e-5));
    net->set_winograd(false);
    EXPECT_FALSE(net->winograd());
    const CnnOutput direct = net->forward(x);
    EXPECT_TRUE(torch::allclose(direct.amplitude, with_grad.amplitude.detach(), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(direct.phase, with_grad.phase.detach(), 1e-5, 1e-6));
  }
}

TEST(CnnGenerator, NamesParametersLikeThePythonPort) {
  CnnGenerator net(options(64, 2));
  const auto names = net->named_parameters();
  for (const std::string key :
       {"encoder.blocks.0.conv1.weight", "encoder.blocks.2.conv2.bias", "decoder_amp.blocks.0.conv1.weight",
        "decoder_amp.blocks.1.conv2.weight", "decoder_amp.amp.conv1.weight",
        "decoder_amp.amp.conv_up_block.conv2.bias", "decoder_amp.amp.conv2.weight",
        "decoder_phase.phase.conv1.bias", "decoder_phase.phase.conv2.weight"}) {
    EXPECT_TRUE(names.contains(key)) << key;
  }
  // The central-block conv reads all but the 4 ring channels of the 64-channel base.
  EXPECT_EQ(names["decoder_amp.amp.conv1.weight"].sizes(), (Sizes{4, 60, 3, 3}));
  EXPECT_EQ(names["decoder_amp.amp.conv_up_block.conv1.weight"].sizes(), (Sizes{64, 4, 3, 3}));
}

TEST(CnnGenerator, GradientsReachEveryParameter) {
  for (const auto& o : {options(64, 1), options(64, 2, true, false)}) {
    CnnGenerator net(o);
    const auto out = net->forward(input(o, 2));
    (out.amplitude.sum() + out.phase.sum()).backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().max().item<float>(), 0.0f) << p.key();
      EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
    }
  }
}

TEST(CnnGenerator, RunsInFloat64AndAgreesWithFloat32) {
  const auto o = options(64, 1);
  CnnGenerator net32(o), net64(o);
  net64->to(torch::kFloat64);
  const auto x = input(o, 1, 3, torch::kFloat64);
  const auto out64 = net64->forward(x);
  EXPECT_EQ(out64.amplitude.scalar_type(), torch::kFloat64);
  EXPECT_EQ(out64.phase.scalar_type(), torch::kFloat64);
  (out64.amplitude.sum() + out64.phase.sum()).backward();
  const auto out32 = net32->forward(x.to(torch::kFloat32));
  EXPECT_TRUE(torch::allclose(out32.amplitude.to(torch::kFloat64), out64.amplitude, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(out32.phase.to(torch::kFloat64), out64.phase, 1e-4, 1e-5));
}

TEST(CnnGenerator, RejectsWrongInputsWithMessagesThatSayWhatWasExpected) {
  const auto o = options(64, 2);
  CnnGenerator net(o);
  auto message = error_of([&] { net->forward(torch::zeros({2, 1, 64, 64})); });
  EXPECT_NE(message.find("[B, 4, 64, 64]"), std::string::npos) << message;
  message = error_of([&] { net->forward(torch::zeros({4, 64, 64})); });
  EXPECT_NE(message.find("[B, 4, 64, 64]"), std::string::npos) << message;
  message = error_of([&] { net->forward(torch::zeros({2, 4, 64, 64}, torch::kFloat64)); });
  EXPECT_NE(message.find("float"), std::string::npos) << message;
  auto bad = o;
  bad.N = 100;
  message = error_of([&] { CnnGenerator{bad}; });
  EXPECT_NE(message.find("N = 100"), std::string::npos) << message;
}

TEST(CnnGenerator, IsDeterministicAcrossConstructionsAndKeepsItsOptions) {
  const auto o = options(64, 1);
  CnnGenerator a(o), b(o);
  const auto pa = a->parameters(), pb = b->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
  EXPECT_EQ(a->options().N, 64);
  EXPECT_TRUE(a->options().probe_big);
}

}  // namespace
}  // namespace ptychopinn::nets
