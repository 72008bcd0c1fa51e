#include "ptychopinn/config/runtime_config.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

TEST(RuntimeConfig, DefaultsAreAutoDeviceAllCoresSeed42) {
  const RuntimeConfig r;
  EXPECT_EQ(r.device, Device::kAuto);
  EXPECT_EQ(r.threads, 0);
  EXPECT_EQ(r.seed, 42);
  EXPECT_NO_THROW(r.validate());
}

TEST(RuntimeConfig, NegativeThreadsOrSeedAreRejected) {
  RuntimeConfig r;
  r.threads = -1;
  EXPECT_TRUE(throws_config_error([&] { r.validate(); },
                                  {"RuntimeConfig: threads = -1; expected >= 0 (0 = automatic)"}));
  r = RuntimeConfig{};
  r.seed = -5;
  EXPECT_TRUE(throws_config_error([&] { r.validate(); }, {"seed = -5; expected >= 0"}));
}

TEST(RuntimeConfig, RuntimeFieldsAreNeverLegacyKeys) {
  for (const auto& f : runtime_fields()) EXPECT_EQ(f.legacy_key, "") << f.key;
}

TEST(RuntimeConfig, EqualitySeesEveryField) { testing::expect_equality_sees_every_field(runtime_fields()); }

}  // namespace
}  // namespace ptychopinn::config
