#pragma once
// The collective operations data-parallel training needs, on torch.distributed's c10d (Gloo over
// TCP on the CPU): a TCPStore at MASTER_ADDR:MASTER_PORT (rank 0 serves it) for the rendezvous,
// then all-reduce, broadcast and barrier among the job's processes.
//
// Failure: every collective is bounded by `timeout`. A peer that died makes the others' next
// collective fail at once ("connection closed by peer"); one that hangs makes it fail after the
// timeout. Either way the call throws CommunicationError naming this rank and the operation, with
// Gloo's reason, so the caller can exit without writing anything.
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ptychopinn/distributed/dist_env.h"

namespace ptychopinn::distributed {

// A collective or the rendezvous failed: another rank died, hung past the timeout or cannot be
// reached. The message names this rank and the operation.
class CommunicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Communicator {
 public:
  // Joins the job (blocks until every rank has joined, at most `timeout`). Throws
  // CommunicationError naming the address and the rank when the rendezvous fails.
  Communicator(const DistEnv& env, std::chrono::milliseconds timeout);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }

  // Sums each tensor over all ranks, in place. Tensors of one dtype are packed into flat buckets of
  // at most bucket_bytes and each bucket is reduced with one call (not one per tensor).
  void all_reduce_sum(const std::vector<torch::Tensor>& tensors, std::size_t bucket_bytes = 25u << 20);
  // Sums doubles over all ranks, in place (one call).
  void all_reduce_sum(std::vector<double>& values);
  // Copies rank root's tensors into every other rank's, in place.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  void barrier();

  // Time spent in the gradient all-reduce (all buckets of one call count as one reduction).
  struct Stats {
    int64_t gradient_reductions = 0;
    double gradient_seconds = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  Stats stats_;
  struct Impl;
  DistEnv env_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptychopinn::distributed
