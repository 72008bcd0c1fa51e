#pragma once
// A progress bar for long loops (simulation, training, inference), written to stderr by default
// (the project's output rule: products to files, results to stdout, progress to stderr).
//
// On a terminal it is one line redrawn in place with '\r', at most about ten times a second:
//   simulate [########............]  42%  420/1000  12.3 it/s  00:34<00:47  loss 0.123
// (label, bar, percent, done/total, rate, elapsed<remaining, the caller's extra text). Below one
// unit a second the rate reads "2.50 s/it". Elsewhere (a pipe, a log file, CI, ptychodus) it writes
// a plain line every plain_interval_s seconds and one at finish():
//   simulate: 420/1000 (42%), 12.3 it/s, elapsed 00:34, remaining 00:47, loss 0.123
// With total = 0 (unknown) the bar, percent and remaining time are left out.
// A bar is used from one thread; it holds no global state, so several may exist at once.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace ptychopinn {

struct ProgressOptions {
  // Shown first on every line, e.g. "simulate" or "epoch 3/10".
  std::string label;
  // Number of units expected; 0 = unknown (no bar, no percent, no remaining time).
  int64_t total = 0;
  // What is counted ("it", "patterns", "batches"), shown in the rate.
  std::string unit = "it";
  // false prints nothing at all (--quiet).
  bool enabled = true;
  // Where to write; null = std::cerr.
  std::ostream* out = nullptr;
  // Whether `out` is a terminal (one redrawn line) or not (plain lines). null = detect: isatty of
  // stderr when out is null, std::cerr or std::clog; of stdout when out is std::cout; false for any
  // other stream.
  std::optional<bool> tty;
  // Seconds between plain lines when not on a terminal.
  double plain_interval_s = 10.0;
};

// Seconds on a monotonic clock; the bar only uses differences. Injectable for tests.
using ProgressClock = std::function<double()>;

class ProgressBar {
 public:
  // clock: empty = std::chrono::steady_clock. The elapsed time starts now.
  explicit ProgressBar(ProgressOptions options, ProgressClock clock = {});
  // On a terminal, ends a line left unfinished (no finish()) so later output starts on its own line.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Sets the number of units done (clamped to >= 0) and the extra text; redraws when due.
  void update(int64_t done, std::string_view extra = {});
  // update(done() + n, extra).
  void advance(int64_t n = 1, std::string_view extra = {});
  // Sets the total once it is known (the bar may start before); takes effect at the next draw.
  void set_total(int64_t total) { options_.total = total < 0 ? 0 : total; }
  // Draws the final state (on a terminal, then a newline). Later calls, and updates after it, do
  // nothing.
  void finish(std::string_view extra = {});

  int64_t done() const { return done_; }
  bool finished() const { return finished_; }
  // Whether lines are redrawn in place (the resolved ProgressOptions::tty).
  bool is_tty() const { return tty_; }

 private:
  std::string render_tty(double now) const;
  std::string render_plain(double now) const;
  void draw_tty(double now);

  ProgressOptions options_;
  ProgressClock clock_;
  std::ostream* out_ = nullptr;
  bool tty_ = false;
  double start_s_ = 0;
  double last_draw_s_ = 0;
  bool drawn_ = false;
  std::size_t last_width_ = 0;  // characters of the last terminal line, to blank leftovers
  int64_t done_ = 0;
  std::string extra_;
  bool finished_ = false;
};

// "mm:ss" below an hour, "h:mm:ss" from there on; negative or non-finite durations read "--:--".
std::string format_duration(double seconds);

}  // namespace ptychopinn
