#include "ptychopinn/execution/cpu_load.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace ptychopinn::execution {
namespace {

TEST(ProcsRunning, IsReadFromItsLineOfProcStat) {
  const std::string stat =
      "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\n"
      "cpu0 1132 34 1441 11311718 3675 127 438 0 0 0\n"
      "intr 114930548 113199788 3 0 5 263 0 4 [...]\n"
      "ctxt 1990473\n"
      "btime 1062191376\n"
      "processes 2915\n"
      "procs_running 3\n"
      "procs_blocked 0\n";
  EXPECT_EQ(procs_running_of(stat), 3);
  EXPECT_EQ(procs_running_of("cpu 1 2 3\nprocs_blocked 0\n"), -1);
  EXPECT_EQ(procs_running_of("procs_running many\n"), -1);
  EXPECT_EQ(procs_running_of("procs_running -2\n"), -1);
  EXPECT_EQ(procs_running_of(""), -1);
}

TEST(AutomaticThreads, AreTheCoresOtherWorkLeavesAndAtLeastOne) {
  EXPECT_EQ(automatic_threads(2, 0), 2);
  EXPECT_EQ(automatic_threads(2, 1), 1);
  EXPECT_EQ(automatic_threads(2, 5), 1);
  EXPECT_EQ(automatic_threads(16, 3), 13);
  EXPECT_EQ(automatic_threads(8, -1), 8);
}

TEST(AvailableCores, AreAtLeastOneAndAtMostTheMachinesCores) {
  const int cores = available_cores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

// A thread of our own that never sleeps is work beside the reader: it is runnable in every reading.
TEST(BusyElsewhere, CountsAThreadThatKeepsRunning) {
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  const int busy = busy_elsewhere(3, 5);
  stop = true;
  spinner.join();
  EXPECT_GE(busy, 1);
  EXPECT_EQ(busy_elsewhere(0, 5), 0);
}

}  // namespace
}  // namespace ptychopinn::execution
