#include "ptychopinn/config/enums.h"

#include <gtest/gtest.h>

#include <set>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

template <class E>
void expect_round_trip() {
  std::set<std::string> seen;
  for (E v : EnumInfo<E>::kValues) {
    const std::string s = to_string(v);
    EXPECT_TRUE(seen.insert(s).second) << "duplicate spelling " << s;
    EXPECT_EQ(EnumInfo<E>::parse(s), v) << s;
  }
}

TEST(Enums, EverySpellingParsesBackToItsValue) {
  expect_round_trip<ModelType>();
  expect_round_trip<Architecture>();
  expect_round_trip<FnoInputTransform>();
  expect_round_trip<GeneratorOutputMode>();
  expect_round_trip<AmpActivation>();
  expect_round_trip<MergeDenominator>();
  expect_round_trip<Backend>();
  expect_round_trip<TorchLossMode>();
  expect_round_trip<GradientClipAlgorithm>();
  expect_round_trip<Optimizer>();
  expect_round_trip<Scheduler>();
  expect_round_trip<Device>();
  expect_round_trip<Profile>();
}

TEST(Enums, SpellingsAreThePythonReferences) {
  EXPECT_EQ(enum_spellings<Architecture>(),
            (std::vector<std::string>{"cnn", "ffno", "fno", "fno_vanilla", "neuralop_uno"}));
  EXPECT_EQ(enum_spellings<Scheduler>(),
            (std::vector<std::string>{"Default", "Exponential", "WarmupCosine", "ReduceLROnPlateau"}));
  EXPECT_EQ(enum_spellings<AmpActivation>(),
            (std::vector<std::string>{"sigmoid", "swish", "softplus", "relu"}));
  EXPECT_EQ(enum_spellings<Profile>(), (std::vector<std::string>{"modern", "paper-2023", "grid-lines"}));
  EXPECT_EQ(enum_spellings<Device>(), (std::vector<std::string>{"auto", "cpu", "cuda"}));
}

TEST(Enums, ParsingIsCaseSensitiveAndSuggestsTheRightCase) {
  EXPECT_TRUE(throws_config_error([] { parse_scheduler("reducelronplateau"); },
                                  {"scheduler = 'reducelronplateau'", "did you mean 'ReduceLROnPlateau'?"}));
}

TEST(Enums, TheMergeDenominatorSpellingsAreTheOnesArchivesRecord) {
  EXPECT_EQ(enum_spellings<MergeDenominator>(),
            (std::vector<std::string>{"reference", "co_masked", "probe_weighted"}));
  EXPECT_TRUE(
      throws_config_error([] { parse_merge_denominator("co-masked"); }, {"did you mean 'co_masked'?"}));
}

TEST(Enums, ParseErrorListsTheValidSpellingsAndTheClosestOne) {
  EXPECT_TRUE(
      throws_config_error([] { parse_amp_activation("sigmod"); },
                          {"amp_activation = 'sigmod'; expected one of sigmoid, swish, softplus, relu",
                           "did you mean 'sigmoid'?"}));
}

TEST(Enums, BackendAcceptsPytorchAsAnAliasOfLibtorch) {
  EXPECT_EQ(parse_backend("pytorch"), Backend::kLibtorch);
  EXPECT_EQ(parse_backend("libtorch"), Backend::kLibtorch);
  EXPECT_EQ(to_string(Backend::kLibtorch), "libtorch");
}

TEST(Enums, BackendRefusesTensorflowSayingThisIsTheLibTorchImplementation) {
  EXPECT_TRUE(
      throws_config_error([] { parse_backend("tensorflow"); },
                          {"backend = 'tensorflow'", "LibTorch implementation", "backend: libtorch"}));
}

TEST(Enums, ErrorsCarryTheFieldKeySoCallersCanAttributeThem) {
  try {
    parse_device("gpu");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "device");
    EXPECT_EQ(e.where(), "");
  }
}

}  // namespace
}  // namespace ptychopinn::config
