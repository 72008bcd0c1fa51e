#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a long command (train, iterate): while a StopSignalScope lives,
// the handler only records the signal; the command polls stop_requested() between steps, writes
// its state and exits. The previous handlers are restored when the scope ends.
namespace ptychopinn::cli {

class StopSignalScope {
 public:
  StopSignalScope();
  ~StopSignalScope();
  StopSignalScope(const StopSignalScope&) = delete;
  StopSignalScope& operator=(const StopSignalScope&) = delete;

  // Whether SIGINT or SIGTERM arrived since the scope began.
  static bool stop_requested();

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

}  // namespace ptychopinn::cli
