#pragma once
// What the machine's other work leaves to this process: the cores it may run on, and how many of
// them other programs keep busy at this moment. Feeds the automatic thread count (execution.h).
#include <string>

namespace ptychopinn::execution {

// Cores this process may run on: its CPU affinity mask (the limit a container or taskset sets), or
// every online core where the mask cannot be read; at least 1.
int available_cores();

// The "procs_running N" line of /proc/stat's text: runnable tasks on the machine, the reader
// included. -1 when the line is absent or malformed.
int procs_running_of(const std::string& proc_stat);

// Tasks that other work keeps running: the fewest runnable tasks over `samples` readings of
// /proc/stat `interval_ms` apart, less the reader. The fewest, because a task about to sleep (a
// thread pool's worker spins for a moment after each parallel loop) shows in one reading and not
// the next, while a busy program is runnable in every one. 0 where /proc/stat cannot be read.
int busy_elsewhere(int samples = 3, int interval_ms = 10);

// The automatic thread count: the available cores less those that other work keeps busy, at least 1.
int automatic_threads(int cores, int busy);

}  // namespace ptychopinn::execution
