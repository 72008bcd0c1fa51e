// Two ranks in one process (two threads), joined over loopback: bucketed all-reduce sums every
// tensor whatever the bucket size, scalar sums and broadcast agree, and a rank that leaves makes the
// other's next collective throw an error naming its rank instead of hanging.
#include "ptychopinn/distributed/communicator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace ptychopinn::distributed {
namespace {

// A port per test run, so that parallel ctest processes do not meet each other's store.
int test_port(int offset) { return 20000 + (static_cast<int>(getpid()) * 7 + offset) % 20000; }

// Runs body(communicator) on ranks 0 and 1, each on its own thread.
void on_two_ranks(int port, const std::function<void(Communicator&)>& body,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto rank = [&](int r) {
    DistEnv env;
    env.rank = r;
    env.world_size = 2;
    env.master_port = port;
    Communicator comm(env, timeout);
    body(comm);
  };
  std::thread other(rank, 1);
  rank(0);
  other.join();
}

TEST(Communicator, BucketedAllReduceSumsEveryTensor) {
  for (std::size_t bucket : {std::size_t{64}, std::size_t{25} << 20}) {
    on_two_ranks(test_port(static_cast<int>(bucket % 97)), [bucket](Communicator& comm) {
      const double r = comm.rank() + 1;  // 1 and 2
      std::vector<torch::Tensor> tensors = {
          torch::full({3, 4}, r, torch::kFloat32), torch::full({50}, 10 * r, torch::kFloat32),
          torch::full({2, 2}, r, torch::kFloat64), torch::arange(7, torch::kFloat32) * r};
      comm.all_reduce_sum(tensors, bucket);
      EXPECT_TRUE(torch::equal(tensors[0], torch::full({3, 4}, 3.0f)));
      EXPECT_TRUE(torch::equal(tensors[1], torch::full({50}, 30.0f)));
      EXPECT_TRUE(torch::equal(tensors[2], torch::full({2, 2}, 3.0, torch::kFloat64)));
      EXPECT_TRUE(torch::equal(tensors[3], torch::arange(7, torch::kFloat32) * 3));
    });
  }
}

TEST(Communicator, ScalarsAndBroadcast) {
  on_two_ranks(test_port(101), [](Communicator& comm) {
    std::vector<double> v = {1.5 * (comm.rank() + 1), -1.0};
    comm.all_reduce_sum(v);
    EXPECT_EQ(v, (std::vector<double>{4.5, -2.0}));
    std::vector<torch::Tensor> w = {torch::full({5}, static_cast<float>(comm.rank() + 7))};
    const auto version = w[0]._version();
    comm.broadcast(w, 0);
    EXPECT_TRUE(torch::equal(w[0], torch::full({5}, 7.0f)));
    // New values show in the version counter, which caches of derived values (the generator's
    // transformed Winograd weights) rely on.
    EXPECT_GT(w[0]._version(), version);
    comm.barrier();
  });
}

TEST(Communicator, ARankThatLeavesMakesTheOtherFailNamingItsRank) {
  std::string message;
  on_two_ranks(
      test_port(202),
      [&message](Communicator& comm) {
        std::vector<double> v = {1.0};
        comm.all_reduce_sum(v);
        if (comm.rank() == 1) return;  // leaves: its communicator closes the connections
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        try {
          comm.all_reduce_sum(v);
        } catch (const std::runtime_error& e) {
          message = e.what();
        }
      },
      std::chrono::seconds(10));
  EXPECT_NE(message.find("rank 0 of 2: all-reduce of losses failed"), std::string::npos) << message;
}

}  // namespace
}  // namespace ptychopinn::distributed
