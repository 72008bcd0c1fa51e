#include "ptychopinn/nets/memory_layout.h"

#include <gtest/gtest.h>

#include <string>

#include "nets/nets_test_util.h"
#include "ptychopinn/nets/cnn.h"

namespace ptychopinn::nets {
namespace {

constexpr auto kChannelsLast = torch::MemoryFormat::ChannelsLast;

TEST(InMemoryFormat, ConvertsTheTensorAndTheGradientThatFlowsBackIntoIt) {
  const auto x = torch::rand({2, 6, 5, 5}).requires_grad_();
  const auto y = in_memory_format(x, kChannelsLast);
  EXPECT_TRUE(y.is_contiguous(kChannelsLast));
  bool grad_channels_last = false;
  y.register_hook([&](torch::Tensor g) { grad_channels_last = g.is_contiguous(kChannelsLast); });
  // narrow()'s backward builds an NCHW gradient; the hook of in_memory_format runs first.
  y.narrow(1, 0, 4).sum().backward();
  EXPECT_TRUE(grad_channels_last);
  EXPECT_TRUE(torch::equal(x.grad().narrow(1, 0, 4), torch::ones({2, 4, 5, 5})));
  EXPECT_EQ(x.grad().narrow(1, 4, 2).abs().max().item<float>(), 0.0f);
}

TEST(ActivationMemoryFormat, IsThePolicyOnlyForFloat32OnTheCpu) {
  EXPECT_EQ(activation_memory_format(torch::zeros({1}), kChannelsLast), kChannelsLast);
  EXPECT_EQ(activation_memory_format(torch::zeros({1}, torch::kFloat64), kChannelsLast),
            torch::MemoryFormat::Contiguous);
  EXPECT_EQ(activation_memory_format(torch::zeros({1}), torch::MemoryFormat::Contiguous),
            torch::MemoryFormat::Contiguous);
}

// Relative error of a against a reference.
double relative_error(const torch::Tensor& a, const torch::Tensor& reference) {
  return ((a.to(torch::kFloat64) - reference.to(torch::kFloat64)).norm() / reference.norm()).item<double>();
}

// Gradients, keyed by parameter name ("input" for the input), of a fixed scalar of encoder +
// amplitude decoder, computed in `format`.
torch::OrderedDict<std::string, torch::Tensor> gradients(CnnEncoder& encoder, CnnDecoder& decoder,
                                                         const torch::Tensor& x, torch::MemoryFormat format) {
  const auto leaf = x.clone().requires_grad_();
  const auto out = decoder->forward(encoder->forward(leaf, format), format);
  EXPECT_TRUE(out.is_contiguous());
  (out.square().mean() + out.mean()).backward();
  torch::OrderedDict<std::string, torch::Tensor> g;
  for (auto* m :
       {static_cast<torch::nn::Module*>(encoder.get()), static_cast<torch::nn::Module*>(decoder.get())}) {
    for (const auto& p : m->named_parameters()) {
      g.insert(p.key() + (m == encoder.get() ? " (encoder)" : " (decoder)"), p.value().grad().clone());
      p.value().mutable_grad() = torch::Tensor();
    }
  }
  g.insert("input", leaf.grad());
  return g;
}

// In float64 (no rounding-induced ReLU or argmax flips) channels-last and NCHW must give the same
// gradients: this checks the layout switches and gradient hooks (memory_layout.h), including the
// decoder head's channel split, for both head layouts (Cout = 1 and 4).
TEST(CnnMemoryFormat, ChannelsLastAndNchwGiveTheSameGradientsInFloat64) {
  for (const int gridsize : {1, 2}) {
    CnnOptions o;
    o.gridsize = gridsize;
    CnnEncoder encoder(o);
    CnnDecoder decoder(o, DecoderKind::kAmplitude);
    glorot_uniform_init(*encoder, 4);
    glorot_uniform_init(*decoder, 5);
    encoder->to(torch::kFloat64);
    decoder->to(torch::kFloat64);
    const auto x = testing::input(o, 1, gridsize, torch::kFloat64);
    const auto cl = gradients(encoder, decoder, x, kChannelsLast);
    const auto nchw = gradients(encoder, decoder, x, torch::MemoryFormat::Contiguous);
    for (const auto& g : nchw) EXPECT_LT(relative_error(cl[g.key()], g.value()), 1e-10) << g.key();
  }
}

// float32 on the CPU is where channels-last is used (oneDNN): the generator gives the outputs of
// NCHW to rounding, and gradients close to them. Not equal to rounding: where a pre-activation is
// within rounding of 0, or two max-pool candidates are, the layouts' different summation orders can
// flip a ReLU or an argmax, which moves single gradient entries (~1e-3 relative in the encoder).
TEST(CnnGeneratorMemoryFormat, ChannelsLastGivesTheOutputsOfNchwInFloat32) {
  for (const int gridsize : {1, 2}) {
    CnnOptions o;
    o.gridsize = gridsize;
    CnnGenerator cl(o), nchw(o);  // same weights: construction is deterministic
    nchw->set_cpu_memory_format(torch::MemoryFormat::Contiguous);
    EXPECT_EQ(cl->cpu_memory_format(), kChannelsLast);  // the default
    const auto x = testing::input(o, 2, 21);
    const auto a = cl->forward(x), b = nchw->forward(x);
    EXPECT_TRUE(a.amplitude.is_contiguous());
    EXPECT_TRUE(a.phase.is_contiguous());
    EXPECT_TRUE(torch::allclose(a.amplitude, b.amplitude, 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(a.phase, b.phase, 1e-4, 1e-5));
    (a.amplitude.square().mean() + a.phase.mean()).backward();
    (b.amplitude.square().mean() + b.phase.mean()).backward();
    const auto pb = nchw->named_parameters();
    for (const auto& p : cl->named_parameters()) {
      EXPECT_LT(relative_error(p.value().grad(), pb[p.key()].grad()), 2e-2) << p.key();
    }
  }
  CnnGenerator net(CnnOptions{});
  EXPECT_THROW(net->set_cpu_memory_format(torch::MemoryFormat::Preserve), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::nets
