#include "ptychopinn/iterative/iterative_options.h"

#include <gtest/gtest.h>

#include <string>

namespace ptychopinn::iterative {
namespace {

std::string error_of(const IterativeOptions& o) {
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(IterativeOptions, AlgorithmsAndNoiseModelsRoundTripThroughTheirNames) {
  for (Algorithm a : {Algorithm::kRpie, Algorithm::kEpie, Algorithm::kLsqml})
    EXPECT_EQ(parse_algorithm(to_string(a)), a);
  for (NoiseModel m : {NoiseModel::kGaussian, NoiseModel::kPoisson})
    EXPECT_EQ(parse_noise_model(to_string(m)), m);
  EXPECT_EQ(to_string(Algorithm::kLsqml), "lsqml");
}

TEST(IterativeOptions, AnUnknownAlgorithmIsRejectedNamingTheFieldAndTheChoices) {
  try {
    parse_algorithm("lsqm");
    FAIL();
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("algorithm = 'lsqm'"), std::string::npos) << m;
    EXPECT_NE(m.find("rpie, epie, lsqml"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'lsqml'"), std::string::npos) << m;
  }
  EXPECT_THROW(parse_noise_model("normal"), std::invalid_argument);
}

TEST(IterativeOptions, TheDefaultsAreValidAndBadValuesNameTheirField) {
  EXPECT_EQ(error_of(IterativeOptions{}), "");
  IterativeOptions o;
  o.iterations = -1;
  EXPECT_EQ(error_of(o), "iterative: iterations = -1; expected iterations >= 0");
  o = {};
  o.rpie_alpha = 0;
  EXPECT_NE(error_of(o).find("rpie_alpha = 0; expected 0 < rpie_alpha <= 1"), std::string::npos);
  o = {};
  o.probe_modes = 0;
  EXPECT_NE(error_of(o).find("probe_modes = 0"), std::string::npos);
  o = {};
  o.position_max_step_px = 0;
  EXPECT_NE(error_of(o).find("position_max_step_px = 0"), std::string::npos);
  o = {};
  o.batch_size = -2;
  EXPECT_NE(error_of(o).find("batch_size = -2"), std::string::npos);
}

TEST(IterativeOptions, BatchSizeZeroMeansTheAlgorithmsDefault) {
  IterativeOptions o;
  EXPECT_EQ(effective_batch_size(o), kDefaultLsqmlBatch);
  o.algorithm = Algorithm::kRpie;
  EXPECT_EQ(effective_batch_size(o), 1);
  o.batch_size = 7;
  EXPECT_EQ(effective_batch_size(o), 7);
}

}  // namespace
}  // namespace ptychopinn::iterative
