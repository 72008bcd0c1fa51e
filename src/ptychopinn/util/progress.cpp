#include "ptychopinn/util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <utility>

#include "ptychopinn/util/fixed_point.h"

namespace ptychopinn {
namespace {

// Terminal redraws are rate-limited: drawing costs a write() and flicker, and a fast loop (a
// million patterns) would otherwise spend its time printing.
constexpr double kRedrawInterval = 0.1;
constexpr int kBarWidth = 20;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool detect_tty(const std::ostream* out) {
  if (out == &std::cout) return isatty(STDOUT_FILENO) != 0;
  if (out == &std::cerr || out == &std::clog) return isatty(STDERR_FILENO) != 0;
  return false;
}

// Three significant figures or so: 1234, 123, 12.3, 1.23.
std::string short_number(double v) { return fixed(v, v >= 100 ? 0 : v >= 10 ? 1 : 2); }

struct Timing {
  double elapsed = 0;
  double rate = 0;        // units per second; 0 when unknown
  double remaining = -1;  // seconds; < 0 when unknown
};

Timing timing(double elapsed, int64_t done, int64_t total) {
  Timing t;
  t.elapsed = std::max(0.0, elapsed);
  if (done > 0 && t.elapsed > 0) {
    t.rate = static_cast<double>(done) / t.elapsed;
    if (total > 0) t.remaining = static_cast<double>(std::max<int64_t>(0, total - done)) / t.rate;
  }
  return t;
}

// "12.3 it/s", or "2.50 s/it" below one unit a second, or "? it/s" before anything is done.
std::string rate_text(double rate, const std::string& unit) {
  if (!(rate > 0)) return "? " + unit + "/s";
  if (rate < 1) return short_number(1 / rate) + " s/" + unit;
  return short_number(rate) + " " + unit + "/s";
}

int percent(int64_t done, int64_t total) {
  return static_cast<int>(std::min<int64_t>(100, done * 100 / std::max<int64_t>(1, total)));
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char buf[48];
  if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  }
  return buf;
}

ProgressBar::ProgressBar(ProgressOptions options, ProgressClock clock)
    : options_(std::move(options)), clock_(clock ? std::move(clock) : ProgressClock(steady_seconds)) {
  out_ = options_.out != nullptr ? options_.out : &std::cerr;
  tty_ = options_.tty ? *options_.tty : detect_tty(out_);
  start_s_ = clock_();
  last_draw_s_ = start_s_;
}

ProgressBar::~ProgressBar() {
  if (options_.enabled && tty_ && drawn_ && !finished_) *out_ << "\n" << std::flush;
}

void ProgressBar::update(int64_t done, std::string_view extra) {
  if (finished_) return;
  done_ = std::max<int64_t>(0, done);
  extra_.assign(extra.data(), extra.size());
  if (!options_.enabled) return;
  const double now = clock_();
  if (tty_) {
    if (!drawn_ || now - last_draw_s_ >= kRedrawInterval) draw_tty(now);
  } else if (now - last_draw_s_ >= options_.plain_interval_s) {
    *out_ << render_plain(now) << "\n" << std::flush;
    last_draw_s_ = now;
  }
}

void ProgressBar::advance(int64_t n, std::string_view extra) { update(done_ + n, extra); }

void ProgressBar::finish(std::string_view extra) {
  if (finished_) return;
  if (!extra.empty()) extra_.assign(extra.data(), extra.size());
  finished_ = true;
  if (!options_.enabled) return;
  const double now = clock_();
  if (tty_) {
    draw_tty(now);
    *out_ << "\n" << std::flush;
  } else {
    *out_ << render_plain(now) << "\n" << std::flush;
  }
}

void ProgressBar::draw_tty(double now) {
  std::string line = render_tty(now);
  const std::size_t width = line.size();
  // Blank what is left of a longer previous line (the extra text may shrink).
  if (width < last_width_) line.append(last_width_ - width, ' ');
  *out_ << '\r' << line << std::flush;
  last_width_ = width;
  last_draw_s_ = now;
  drawn_ = true;
}

std::string ProgressBar::render_tty(double now) const {
  const Timing t = timing(now - start_s_, done_, options_.total);
  std::string s = options_.label;
  if (options_.total > 0) {
    const int filled = static_cast<int>(std::min<int64_t>(kBarWidth, done_ * kBarWidth / options_.total));
    s += " [" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(kBarWidth - filled), '.') + "] ";
    const std::string pct = std::to_string(percent(done_, options_.total)) + "%";
    s += std::string(4 - std::min<std::size_t>(4, pct.size()), ' ') + pct;
    s += "  " + std::to_string(done_) + "/" + std::to_string(options_.total);
  } else {
    s += "  " + std::to_string(done_) + " " + options_.unit;
  }
  s += "  " + rate_text(t.rate, options_.unit) + "  " + format_duration(t.elapsed);
  if (options_.total > 0) s += "<" + format_duration(t.remaining);
  if (!extra_.empty()) s += "  " + extra_;
  return s;
}

std::string ProgressBar::render_plain(double now) const {
  const Timing t = timing(now - start_s_, done_, options_.total);
  std::string s = options_.label + ": " + std::to_string(done_);
  if (options_.total > 0) {
    s += "/" + std::to_string(options_.total) + " (" + std::to_string(percent(done_, options_.total)) + "%)";
  } else {
    s += " " + options_.unit;
  }
  s += ", " + rate_text(t.rate, options_.unit) + ", elapsed " + format_duration(t.elapsed);
  if (options_.total > 0 && !finished_) s += ", remaining " + format_duration(t.remaining);
  if (!extra_.empty()) s += ", " + extra_;
  return s;
}

}  // namespace ptychopinn
