#include "ptychopinn/config/config_error.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ptychopinn::config {
namespace {

TEST(ConfigError, MessageIsWhereColonDetail) {
  const ConfigError e("run.yaml:3", "nepochs", "nepochs = ten; expected an integer");
  EXPECT_STREQ(e.what(), "run.yaml:3: nepochs = ten; expected an integer");
  EXPECT_EQ(e.key(), "nepochs");
  EXPECT_EQ(e.where(), "run.yaml:3");
}

TEST(ConfigError, WithoutWhereIsTheDetailAlone) {
  EXPECT_STREQ(ConfigError("", "N", "N = 1; expected 64").what(), "N = 1; expected 64");
}

TEST(ConfigError, WithWhereReplacesTheOriginAndKeepsKeyAndDetail) {
  const ConfigError e = ConfigError("TrainingConfig", "N", "N = 1; expected 64").with_where("--set");
  EXPECT_STREQ(e.what(), "--set: N = 1; expected 64");
  EXPECT_EQ(e.key(), "N");
}

TEST(ConfigError, IsAnInvalidArgumentSoPythonSeesAValueError) {
  EXPECT_THROW(throw_bad_value("w", "k", "v", "x"), std::invalid_argument);
}

TEST(ConfigError, ThrowBadValueFormatsFieldValueAndConstraint) {
  try {
    throw_bad_value("TrainingConfig", "batch_size", "0", ">= 1");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "TrainingConfig: batch_size = 0; expected >= 1");
  }
}

TEST(ConfigError, RequireThrowsOnlyWhenTheConditionFails) {
  EXPECT_NO_THROW(require(true, "w", "k", "v", "x"));
  EXPECT_THROW(require(false, "w", "k", "v", "x"), ConfigError);
}

}  // namespace
}  // namespace ptychopinn::config
