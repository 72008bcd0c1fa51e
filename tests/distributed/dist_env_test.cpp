#include "ptychopinn/distributed/dist_env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <string>

#include "support/error_of.h"

namespace ptychopinn::distributed {
namespace {

using testing::error_of;

// Sets the launcher's variables for the test's duration and restores the previous environment.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& values) {
    for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}) {
      if (const char* old = getenv(name)) saved_[name] = old;
      unsetenv(name);
    }
    for (const auto& [name, value] : values) setenv(name.c_str(), value.c_str(), 1);
  }
  ~Environment() {
    for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
      unsetenv(name);
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  std::map<std::string, std::string> saved_;
};

TEST(DistEnv, NoWorldSizeIsASingleProcessRun) {
  Environment env({});
  EXPECT_FALSE(dist_env_from_environment().has_value());
}

TEST(DistEnv, ReadsTorchrunsVariablesWithDefaults) {
  {
    Environment env({{"WORLD_SIZE", "4"},
                     {"RANK", "3"},
                     {"LOCAL_RANK", "1"},
                     {"MASTER_ADDR", "node7"},
                     {"MASTER_PORT", "29999"}});
    const auto d = dist_env_from_environment();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->world_size, 4);
    EXPECT_EQ(d->rank, 3);
    EXPECT_EQ(d->local_rank, 1);
    EXPECT_EQ(d->master_addr, "node7");
    EXPECT_EQ(d->master_port, 29999);
  }
  Environment env({{"WORLD_SIZE", "2"}, {"RANK", "1"}});
  const auto d = dist_env_from_environment();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->local_rank, 1);
  EXPECT_EQ(d->master_addr, "127.0.0.1");
  EXPECT_EQ(d->master_port, 29500);
}

TEST(DistEnv, BadValuesNameTheVariable) {
  {
    Environment env(std::map<std::string, std::string>{{"WORLD_SIZE", "2"}});
    EXPECT_NE(error_of([] { dist_env_from_environment(); }).find("RANK is not set"), std::string::npos);
  }
  {
    Environment env({{"WORLD_SIZE", "2"}, {"RANK", "2"}});
    EXPECT_NE(error_of([] { dist_env_from_environment(); }).find("RANK = '2'; expected an integer in 0 .. 1"),
              std::string::npos);
  }
  {
    Environment env({{"WORLD_SIZE", "two"}, {"RANK", "0"}});
    EXPECT_NE(error_of([] { dist_env_from_environment(); }).find("WORLD_SIZE = 'two'"), std::string::npos);
  }
  Environment env({{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_PORT", "70000"}});
  EXPECT_NE(error_of([] { dist_env_from_environment(); }).find("MASTER_PORT = '70000'"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::distributed
