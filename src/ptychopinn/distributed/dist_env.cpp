#include "ptychopinn/distributed/dist_env.h"

#include <cstdlib>
#include <stdexcept>

namespace ptychopinn::distributed {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int integer(const char* name, const std::string& text, int low, int high) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::logic_error&) {
    used = 0;
  }
  if (used != text.size() || value < low || value > high) {
    throw std::invalid_argument(std::string("environment variable ") + name + " = '" + text +
                                "'; expected an integer in " + std::to_string(low) + " .. " +
                                std::to_string(high));
  }
  return static_cast<int>(value);
}

}  // namespace

std::optional<DistEnv> dist_env_from_environment() {
  const auto world = variable("WORLD_SIZE");
  if (!world) return std::nullopt;
  DistEnv env;
  env.world_size = integer("WORLD_SIZE", *world, 1, 1 << 20);
  const auto rank = variable("RANK");
  if (!rank)
    throw std::invalid_argument(
        "environment variable RANK is not set; expected it with WORLD_SIZE (torchrun sets both)");
  env.rank = integer("RANK", *rank, 0, env.world_size - 1);
  env.local_rank = env.rank;
  if (const auto local = variable("LOCAL_RANK"))
    env.local_rank = integer("LOCAL_RANK", *local, 0, env.world_size - 1);
  if (const auto addr = variable("MASTER_ADDR")) env.master_addr = *addr;
  if (const auto port = variable("MASTER_PORT")) env.master_port = integer("MASTER_PORT", *port, 1, 65535);
  return env;
}

}  // namespace ptychopinn::distributed
