#include "stop_signal.h"

#include <csignal>

namespace ptychopinn::cli {
namespace {

// A signal handler can only set a flag; this is the one piece of process-wide state the commands
// have, and it matters only while a StopSignalScope lives.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

}  // namespace

StopSignalScope::StopSignalScope() {
  g_stop_signal = 0;
  previous_int_ = std::signal(SIGINT, on_stop_signal);
  previous_term_ = std::signal(SIGTERM, on_stop_signal);
}

StopSignalScope::~StopSignalScope() {
  std::signal(SIGINT, previous_int_);
  std::signal(SIGTERM, previous_term_);
}

bool StopSignalScope::stop_requested() { return g_stop_signal != 0; }

}  // namespace ptychopinn::cli
