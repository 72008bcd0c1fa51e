#include "ptychopinn/nets/memory_layout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>

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

// Gradients of a fixed scalar of the outputs, keyed by parameter name.
torch::OrderedDict<std::string, torch::Tensor> gradients(CnnGenerator& net, const torch::Tensor& x) {
  const auto out = net->forward(x.to(net->parameters().front().scalar_type()));
  (out.amplitude.square().mean() + out.phase.mean()).backward();
  torch::OrderedDict<std::string, torch::Tensor> grads;
  for (const auto& p : net->named_parameters()) grads.insert(p.key(), p.value().grad().to(torch::kFloat64));
  return grads;
}

// The layout is a speed choice only: channels-last gives the outputs and gradients NCHW gives, to
// float32 rounding, i.e. no further from a float64 reference than NCHW is.
TEST(CnnGeneratorMemoryFormat, ChannelsLastAgreesWithNchwToFloat32Rounding) {
  for (const int gridsize : {1, 2}) {
    CnnOptions o;
    o.gridsize = gridsize;
    CnnGenerator cl(o), nchw(o), reference(o);  // same weights: construction is deterministic
    nchw->set_cpu_memory_format(torch::MemoryFormat::Contiguous);
    reference->to(torch::kFloat64);
    EXPECT_EQ(cl->cpu_memory_format(), kChannelsLast);  // the default
    auto gen = at::make_generator<at::CPUGeneratorImpl>(21);
    const auto x = torch::rand({2, o.channels_in(), 64, 64}, gen, torch::TensorOptions(torch::kFloat32));
    const auto a = cl->forward(x), b = nchw->forward(x);
    EXPECT_TRUE(a.amplitude.is_contiguous());
    EXPECT_TRUE(a.phase.is_contiguous());
    EXPECT_TRUE(torch::allclose(a.amplitude, b.amplitude, 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(a.phase, b.phase, 1e-4, 1e-5));
    const auto ga = gradients(cl, x), gb = gradients(nchw, x), g64 = gradients(reference, x);
    for (const auto& g : g64) {
      const double scale = g.value().norm().item<double>();
      const double error_cl = (ga[g.key()] - g.value()).norm().item<double>() / scale;
      const double error_nchw = (gb[g.key()] - g.value()).norm().item<double>() / scale;
      std::cout << g.key() << " cl " << error_cl << " nchw " << error_nchw << "\n";
      EXPECT_LT(error_cl, 1e-3) << g.key();
      EXPECT_LT(error_cl, 4 * error_nchw + 1e-5) << g.key() << ": NCHW error " << error_nchw;
    }
  }
  CnnGenerator net(CnnOptions{});
  EXPECT_THROW(net->set_cpu_memory_format(torch::MemoryFormat::Preserve), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::nets
