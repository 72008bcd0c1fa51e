#include "ptychopinn/execution/cpu_load.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

namespace ptychopinn::execution {

int available_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) return std::max(1, CPU_COUNT(&mask));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int procs_running_of(const std::string& proc_stat) {
  std::istringstream lines(proc_stat);
  std::string line;
  const std::string key = "procs_running ";
  while (std::getline(lines, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    std::istringstream value(line.substr(key.size()));
    int n = -1;
    if (!(value >> n) || n < 0) return -1;
    return n;
  }
  return -1;
}

int busy_elsewhere(int samples, int interval_ms) {
  int fewest = std::numeric_limits<int>::max();
  for (int i = 0; i < samples; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    std::ifstream file("/proc/stat");
    std::stringstream text;
    text << file.rdbuf();
    const int running = file ? procs_running_of(text.str()) : -1;
    if (running < 0) return 0;
    fewest = std::min(fewest, running);
  }
  return samples > 0 ? std::max(0, fewest - 1) : 0;
}

int automatic_threads(int cores, int busy) { return std::max(1, cores - std::max(0, busy)); }

}  // namespace ptychopinn::execution
