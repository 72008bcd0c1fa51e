// Tensors as .npy / .npz member images: bit-exact in every dtype a model holds.
#include "ptychopinn/bundle/tensor_members.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "bundle_test_support.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::bundle {
namespace {

using testing::bitwise_equal;

// Values whose bits a careless conversion would change: -0.0, a subnormal, the extremes, a NaN
// with a payload.
torch::Tensor awkward_floats(torch::ScalarType dtype) {
  torch::Tensor t = torch::randn({3, 5}, torch::kDouble);
  t[0][0] = -0.0;
  t[0][1] = dtype == torch::kFloat ? 1e-40 : 4.9e-324;
  t[0][2] = dtype == torch::kFloat ? 3.4e38 : 1.7e308;
  t[0][3] = std::numeric_limits<double>::quiet_NaN();
  return t.to(dtype);
}

TEST(TensorMembers, NpyRoundTripIsBitExact) {
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    const torch::Tensor t = awkward_floats(dtype);
    EXPECT_TRUE(bitwise_equal(decode_npy_member(encode_npy_member(t), "probe.npy"), t)) << dtype;
  }
  const torch::Tensor z = torch::complex(awkward_floats(torch::kFloat), -awkward_floats(torch::kFloat));
  EXPECT_TRUE(bitwise_equal(decode_npy_member(encode_npy_member(z), "probe.npy"), z));
  // A non-contiguous view is written in C order.
  const torch::Tensor v = awkward_floats(torch::kFloat).t();
  EXPECT_TRUE(bitwise_equal(decode_npy_member(encode_npy_member(v), "probe.npy"), v.contiguous()));
}

TEST(TensorMembers, NpzRoundTripKeepsNamesOrderAndBits) {
  const NamedTensors w = {{"z.weight", awkward_floats(torch::kFloat)},
                          {"a.bias", awkward_floats(torch::kDouble)},
                          {"phase", torch::randn({2, 2}, torch::kComplexFloat)},
                          {"steps", torch::tensor({7}, torch::kLong)},
                          {"mask", torch::tensor({true, false})},
                          {"scalar", torch::tensor(3.5f)}};
  const NamedTensors back = decode_npz_member(encode_npz_member(w, "weights.npz"), "weights.npz");
  ASSERT_EQ(back.size(), w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_EQ(back[i].first, w[i].first);
    EXPECT_TRUE(bitwise_equal(back[i].second, w[i].second)) << w[i].first;
  }
}

TEST(TensorMembers, SameWeightsGiveTheSameBytes) {
  const NamedTensors w = {{"a", torch::ones({3})}};
  EXPECT_EQ(encode_npz_member(w, "w"), encode_npz_member(w, "w"));
}

TEST(TensorMembers, BadNamesAreRefusedWhenWriting) {
  EXPECT_THROW(encode_npz_member({{"", torch::ones({1})}}, "w"), std::invalid_argument);
  EXPECT_THROW(encode_npz_member({{"../x", torch::ones({1})}}, "w"), std::invalid_argument);
  EXPECT_THROW(encode_npz_member({{"a", torch::ones({1})}, {"a", torch::ones({1})}}, "w"),
               std::invalid_argument);
}

TEST(TensorMembers, MalformedImagesNameTheMember) {
  try {
    decode_npy_member("not an npy", "run/wts.h5.zip, member 'probe.npy'");
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("run/wts.h5.zip, member 'probe.npy'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(decode_npz_member("PK\x03\x04 garbage", "weights.npz"), IoError);
}

TEST(TensorMembers, DescribesNonFiniteValues) {
  EXPECT_EQ(describe_non_finite(torch::ones({4})), "");
  EXPECT_EQ(describe_non_finite(torch::tensor({1, 2}, torch::kLong)), "");
  torch::Tensor t = torch::ones({4});
  t[1] = NAN;
  t[2] = INFINITY;
  t[3] = -INFINITY;
  EXPECT_EQ(describe_non_finite(t), "holds 1 NaN and 2 infinite value(s)");
  torch::Tensor z = torch::ones({2}, torch::kComplexFloat);
  z[0] = c10::complex<float>(0.f, NAN);
  EXPECT_EQ(describe_non_finite(z), "holds 1 NaN and 0 infinite value(s)");
}

}  // namespace
}  // namespace ptychopinn::bundle
