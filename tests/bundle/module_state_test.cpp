// state_of / load_state: names, order, copies, and the errors for an archive that does not fit.
#include "ptychopinn/bundle/module_state.h"

#include <gtest/gtest.h>

#include "bundle_test_support.h"
#include "ptychopinn/tensor/module_parameters.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::bundle {
namespace {

using testing::bitwise_equal;
using testing::make_net;

std::string load_error(torch::nn::Module& module, const NamedTensors& weights) {
  try {
    load_state(module, weights, "run/wts.h5.zip");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(ModuleState, ListsParametersThenBuffersUnderTorchNames) {
  auto net = make_net(1);
  const NamedTensors state = state_of(*net);
  std::vector<std::string> names;
  for (const auto& [name, t] : state) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"phase", "body.0.weight", "body.0.bias", "body.1.weight",
                                             "body.1.bias", "gain", "steps"}));
}

TEST(ModuleState, StateIsADetachedCopy) {
  auto net = make_net(1);
  const NamedTensors state = state_of(*net);
  const torch::Tensor before = state[1].second.clone();
  {
    torch::NoGradGuard g;
    net->body->parameters()[0].add_(1.0);
  }
  EXPECT_TRUE(bitwise_equal(state[1].second, before));
  EXPECT_FALSE(state[1].second.requires_grad());
}

TEST(ModuleState, LoadIntoAFreshModuleGivesTheSameOutputs) {
  auto a = make_net(1), b = make_net(2);
  const torch::Tensor x = torch::randn({3, 1, 8, 8});
  ASSERT_FALSE(torch::equal(a->forward(x), b->forward(x)));
  const auto params_before = b->parameters();
  load_state(*b, state_of(*a), "test");
  EXPECT_TRUE(bitwise_equal(a->forward(x), b->forward(x)));
  // In place: the module's tensors are the same objects (an optimiser holding them stays valid).
  EXPECT_TRUE(b->parameters()[1].is_same(params_before[1]));
  EXPECT_TRUE(b->parameters()[1].requires_grad());
}

TEST(ModuleState, ShapeMismatchNamesTheKeyAndBothShapes) {
  auto small = make_net(1, 4), wide = make_net(1, 5);
  const std::string e = load_error(*wide, state_of(*small));
  EXPECT_NE(e.find("run/wts.h5.zip: weight 'body.0.weight' has shape [4, 1, 3, 3] in the archive; the model "
                   "expects [5, 1, 3, 3]"),
            std::string::npos)
      << e;
}

TEST(ModuleState, DtypeMismatchIsReported) {
  auto net = make_net(1);
  NamedTensors state = state_of(*net);
  state[5].second = state[5].second.to(torch::kFloat);
  EXPECT_NE(load_error(*net, state)
                .find("weight 'gain' has dtype float32 in the archive; the model expects float64"),
            std::string::npos);
}

TEST(ModuleState, MissingAndUnexpectedNamesAreListed) {
  auto net = make_net(1);
  NamedTensors state = state_of(*net);
  NamedTensors renamed = state;
  renamed[1].first = "body.0.wieght";
  std::string e = load_error(*net, renamed);
  EXPECT_NE(e.find("1 weight(s) of the model are missing from the archive: 'body.0.weight'"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("did you mean 'body.0.wieght'"), std::string::npos) << e;
  NamedTensors extra = state;
  extra.emplace_back("body.2.weight", torch::zeros({1}));
  e = load_error(*net, extra);
  EXPECT_NE(e.find("1 weight(s) in the archive are not in the model: 'body.2.weight'"), std::string::npos)
      << e;
  NamedTensors twice = state;
  twice.push_back(state[0]);
  EXPECT_NE(load_error(*net, twice).find("weight 'phase' appears twice"), std::string::npos);
}

TEST(ModuleState, AFailedLoadLeavesTheModuleUnchanged) {
  auto a = make_net(1), b = make_net(2);
  const NamedTensors before = state_of(*b);
  NamedTensors state = state_of(*a);
  state.back().second = torch::zeros({2}, torch::kLong);  // 'steps' has the wrong shape, and comes last
  EXPECT_NE(load_error(*b, state), "");
  const NamedTensors after = state_of(*b);
  for (std::size_t i = 0; i < before.size(); ++i)
    EXPECT_TRUE(bitwise_equal(before[i].second, after[i].second));
}

TEST(ModuleState, CountsTrainableParameters) {
  auto net = make_net(1);
  // phase 2 + conv 4*1*9 + 4 + conv 2*4*9 + 2 (buffers are not parameters)
  EXPECT_EQ(count_trainable_parameters(*net), 2 + 36 + 4 + 72 + 2);
  net->phase.set_requires_grad(false);
  EXPECT_EQ(count_trainable_parameters(*net), 36 + 4 + 72 + 2);
}

TEST(ModuleState, LoadsIntoACudaModuleExactly) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  auto a = make_net(1), b = make_net(2);
  b->to(torch::kCUDA);
  load_state(*b, state_of(*a), "test");
  const NamedTensors back = state_of(*b);
  const NamedTensors want = state_of(*a);
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(bitwise_equal(back[i].second, want[i].second));
  EXPECT_TRUE(b->phase.is_cuda());
}

}  // namespace
}  // namespace ptychopinn::bundle
