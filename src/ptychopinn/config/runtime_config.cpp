#include "ptychopinn/config/runtime_config.h"

#include <string>

namespace ptychopinn::config {

const std::vector<Field<RuntimeConfig>>& runtime_fields() {
  using R = RuntimeConfig;
  static const std::vector<Field<R>> fields = {
      make_field("device", &R::device, "", "auto (default: CUDA when available, else CPU), cpu or cuda."),
      make_field("threads", &R::threads, "",
                 "CPU threads for LibTorch; 0 = automatic (default): the cores not busy with other work."),
      make_field("seed", &R::seed, "",
                 "Seed of every random choice of the run (default 42, the reference's npseed)."),
  };
  return fields;
}

void RuntimeConfig::validate() const {
  constexpr const char* kWhere = "RuntimeConfig";
  require(threads >= 0, kWhere, "threads", std::to_string(threads), ">= 0 (0 = automatic)");
  require(seed >= 0, kWhere, "seed", std::to_string(seed), ">= 0");
}

bool RuntimeConfig::operator==(const RuntimeConfig& other) const {
  return fields_equal(runtime_fields(), *this, other);
}

}  // namespace ptychopinn::config
