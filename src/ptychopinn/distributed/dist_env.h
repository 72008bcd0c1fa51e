#pragma once
// Where this process stands in a torch.distributed job, from the environment torchrun (and
// `ptychopinn train --nproc_per_node`) sets: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
#include <optional>
#include <string>

namespace ptychopinn::distributed {

struct DistEnv {
  int rank = 0;                           // 0 .. world_size - 1
  int world_size = 1;                     // >= 1
  int local_rank = 0;                     // rank on this node (GPU index for NCCL)
  std::string master_addr = "127.0.0.1";  // where rank 0's TCPStore listens
  int master_port = 29500;                // 1 .. 65535
};

// The job this process belongs to: nullopt when WORLD_SIZE is unset (a single-process run).
// Throws std::invalid_argument naming the variable for a value that is not an integer, out of
// range (RANK outside 0 .. WORLD_SIZE - 1, a port outside 1 .. 65535), or missing when WORLD_SIZE
// is set (RANK; MASTER_ADDR and MASTER_PORT default to 127.0.0.1:29500, LOCAL_RANK to RANK).
std::optional<DistEnv> dist_env_from_environment();

}  // namespace ptychopinn::distributed
