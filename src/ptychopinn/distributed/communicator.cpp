#include "ptychopinn/distributed/communicator.h"

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace ptychopinn::distributed {

struct Communicator::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {

[[noreturn]] void fail(const DistEnv& env, const std::string& what, const std::exception& e) {
  throw CommunicationError(
      "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) + ": " + what +
      " failed (another rank died, hung past the timeout, or cannot be reached): " + e.what());
}

}  // namespace

Communicator::Communicator(const DistEnv& env, std::chrono::milliseconds timeout)
    : env_(env), timeout_(timeout), impl_(std::make_unique<Impl>()) {
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env.master_port);
    options.isServer = env.rank == 0;
    options.numWorkers = env.world_size;
    options.waitWorkers = true;
    options.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    auto group_options = c10d::ProcessGroupGloo::Options::create();
    group_options->timeout = timeout;
    // Loopback jobs (one node) talk over 127.0.0.1, whatever the host name resolves to; otherwise the
    // interface GLOO_SOCKET_IFNAME names, else the host name's (Gloo's defaults, as in PyTorch).
    const bool loopback = env.master_addr == "localhost" || env.master_addr.rfind("127.", 0) == 0;
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    if (loopback) {
      group_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else if (interface != nullptr && *interface != '\0') {
      group_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else {
      group_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    impl_->group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank, env.world_size, group_options);
  } catch (const std::exception& e) {
    fail(env, "joining the job at " + env.master_addr + ":" + std::to_string(env.master_port), e);
  }
}

Communicator::~Communicator() = default;

void Communicator::all_reduce_sum(const std::vector<torch::Tensor>& tensors, std::size_t bucket_bytes) {
  if (env_.world_size == 1 || tensors.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  // Buckets per dtype, in the given order.
  std::map<torch::ScalarType, std::vector<std::vector<torch::Tensor>>> buckets;
  std::map<torch::ScalarType, std::size_t> filled;
  for (const auto& t : tensors) {
    const auto type = t.scalar_type();
    const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
    auto& list = buckets[type];
    if (list.empty() || filled[type] + bytes > bucket_bytes) {
      list.emplace_back();
      filled[type] = 0;
    }
    list.back().push_back(t);
    filled[type] += bytes;
  }
  try {
    for (auto& [type, list] : buckets) {
      for (auto& bucket : list) {
        std::vector<torch::Tensor> flat_parts;
        for (const auto& t : bucket) flat_parts.push_back(t.reshape(-1));
        std::vector<torch::Tensor> flat = {torch::cat(flat_parts)};
        impl_->group->allreduce(flat)->wait(timeout_);
        int64_t offset = 0;
        for (const auto& t : bucket) {
          t.copy_(flat[0].narrow(0, offset, t.numel()).view_as(t));
          offset += t.numel();
        }
      }
    }
  } catch (const std::exception& e) {
    fail(env_, "all-reduce of gradients", e);
  }
  stats_.gradient_reductions += 1;
  stats_.gradient_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void Communicator::all_reduce_sum(std::vector<double>& values) {
  if (env_.world_size == 1 || values.empty()) return;
  std::vector<torch::Tensor> t = {torch::tensor(values, torch::kFloat64)};
  try {
    impl_->group->allreduce(t)->wait(timeout_);
  } catch (const std::exception& e) {
    fail(env_, "all-reduce of losses", e);
  }
  const auto* sums = t[0].data_ptr<double>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = sums[i];
}

void Communicator::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  if (env_.world_size == 1 || tensors.empty()) return;
  try {
    for (const auto& t : tensors) {
      // Into a copy, then copy_ back: the backend writes raw memory, which a tensor's version
      // counter does not see, and caches of values derived from weights (the generator's
      // transformed Winograd weights) rely on that counter to notice new values.
      std::vector<torch::Tensor> one = {t.contiguous().clone()};
      c10d::BroadcastOptions options;
      options.rootRank = root;
      impl_->group->broadcast(one, options)->wait(timeout_);
      torch::NoGradGuard no_grad;
      t.copy_(one[0]);
    }
  } catch (const std::exception& e) {
    fail(env_, "broadcast of the weights", e);
  }
}

void Communicator::barrier() {
  if (env_.world_size == 1) return;
  try {
    impl_->group->barrier()->wait(timeout_);
  } catch (const std::exception& e) {
    fail(env_, "barrier", e);
  }
}

}  // namespace ptychopinn::distributed
