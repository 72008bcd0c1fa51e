#include "spawn_workers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

namespace ptychopinn::cli {
namespace {

// The signal a user sent the launcher, for forwarding (a signal handler can only set a flag).
volatile std::sig_atomic_t g_forward = 0;
extern "C" void on_launcher_signal(int signal) { g_forward = signal; }

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

int spawn_train_workers(const SpawnOptions& o, const std::vector<std::string>& train_args) {
  const int world = o.nnodes * o.nproc_per_node;
  const std::string addr = !o.master_addr.empty() ? o.master_addr : env_or("MASTER_ADDR", "127.0.0.1");
  const std::string port = o.master_port > 0 ? std::to_string(o.master_port) : env_or("MASTER_PORT", "29500");
  std::vector<std::string> argv_strings = {"ptychopinn", "train"};
  argv_strings.insert(argv_strings.end(), train_args.begin(), train_args.end());

  struct sigaction action {};
  action.sa_handler = on_launcher_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);

  std::map<pid_t, int> workers;  // pid -> rank
  for (int local = 0; local < o.nproc_per_node; ++local) {
    const int rank = o.node_rank * o.nproc_per_node + local;
    const pid_t pid = fork();
    if (pid < 0) {
      std::cerr << "error: train: cannot start worker " << rank << ": " << std::strerror(errno) << "\n";
      for (const auto& [p, r] : workers) kill(p, SIGTERM);
      break;
    }
    if (pid == 0) {
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(local).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      setenv("LOCAL_WORLD_SIZE", std::to_string(o.nproc_per_node).c_str(), 1);
      setenv("MASTER_ADDR", addr.c_str(), 1);
      setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> argv;
      for (auto& s : argv_strings) argv.push_back(s.data());
      argv.push_back(nullptr);
      execv("/proc/self/exe", argv.data());
      std::cerr << "error: train: cannot run worker " << rank << ": " << std::strerror(errno) << "\n";
      _exit(127);
    }
    workers[pid] = rank;
  }

  int result = 0;
  bool stopping = false;
  while (!workers.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno != EINTR) break;
      if (g_forward != 0) {
        for (const auto& [p, r] : workers) kill(p, g_forward);
        g_forward = 0;
      }
      continue;
    }
    const auto it = workers.find(pid);
    if (it == workers.end()) continue;
    const int rank = it->second;
    workers.erase(it);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    if (code != 0) {
      if (WIFSIGNALED(status)) {
        std::cerr << "train: worker " << rank << " was killed by signal " << WTERMSIG(status) << "\n";
      } else {
        std::cerr << "train: worker " << rank << " exited with " << code << "\n";
      }
      if (result == 0) result = code;
      if (!stopping) {
        // The others would fail at their next all-reduce anyway; stop them now.
        for (const auto& [p, r] : workers) kill(p, SIGTERM);
        stopping = true;
      }
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return result;
}

}  // namespace ptychopinn::cli
