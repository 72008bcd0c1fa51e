#pragma once
// `ptychopinn train --nproc_per_node N`: a launcher like torchrun's. It starts N copies of this
// program's `train` with the torch.distributed environment of one node (RANK, LOCAL_RANK,
// WORLD_SIZE, MASTER_ADDR, MASTER_PORT), forwards SIGINT and SIGTERM to them, and when one worker
// fails it stops the others.
#include <string>
#include <vector>

namespace ptychopinn::cli {

struct SpawnOptions {
  int nproc_per_node = 1;
  int nnodes = 1;
  int node_rank = 0;
  std::string master_addr;  // "" = $MASTER_ADDR, else 127.0.0.1
  int master_port = 0;      // 0 = $MASTER_PORT, else 29500
};

// Runs the workers (each: `ptychopinn train <train_args>`) and returns the launcher's exit code:
// 0 when every worker succeeded, else the first failing worker's code (1 for a signal). Prints one
// line naming each worker that failed.
int spawn_train_workers(const SpawnOptions& options, const std::vector<std::string>& train_args);

}  // namespace ptychopinn::cli
