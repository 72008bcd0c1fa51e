#include "ptychopinn/util/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <sstream>
#include <string>

namespace ptychopinn {
namespace {

// A clock the test moves by hand.
struct FakeClock {
  std::shared_ptr<double> now = std::make_shared<double>(100.0);
  ProgressClock clock() const {
    return [t = now] { return *t; };
  }
  void advance(double s) const { *now += s; }
};

ProgressOptions options_for(std::ostringstream& out, bool tty, int64_t total = 100) {
  ProgressOptions o;
  o.label = "sim";
  o.total = total;
  o.unit = "patterns";
  o.out = &out;
  o.tty = tty;
  o.plain_interval_s = 10.0;
  return o;
}

int count(const std::string& s, char c) { return static_cast<int>(std::count(s.begin(), s.end(), c)); }

TEST(ProgressBar, TerminalLineShowsBarPercentCountRateTimesAndExtra) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, true), clock.clock());
  clock.advance(10);
  bar.update(25, "loss 0.123");
  const std::string s = out.str();
  EXPECT_EQ(s.front(), '\r');
  EXPECT_NE(s.find("sim [#####...............]  25%  25/100"), std::string::npos) << s;
  EXPECT_NE(s.find("2.50 patterns/s"), std::string::npos) << s;
  EXPECT_NE(s.find("00:10<00:30"), std::string::npos) << s;  // 75 left at 2.5/s
  EXPECT_NE(s.find("loss 0.123"), std::string::npos) << s;
  EXPECT_EQ(count(s, '\n'), 0);
}

TEST(ProgressBar, TerminalRedrawsAtMostTenTimesASecond) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, true, 1000), clock.clock());
  for (int i = 1; i <= 100; ++i) {
    clock.advance(0.01);  // 100 updates over one second
    bar.update(i);
  }
  const int draws = count(out.str(), '\r');
  EXPECT_GE(draws, 9);
  EXPECT_LE(draws, 11);
  bar.finish();
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(count(out.str(), '\n'), 1);
}

TEST(ProgressBar, TerminalBlanksLeftoversOfALongerLine) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, true), clock.clock());
  bar.update(1, "a long extra text");
  const std::size_t first = out.str().size() - 1;  // without the '\r'
  clock.advance(1);
  bar.update(2);
  const std::string second = out.str().substr(first + 1);
  EXPECT_EQ(second.front(), '\r');
  EXPECT_GE(second.size() - 1, first) << "the shorter line must be padded over the old one";
}

TEST(ProgressBar, PlainLinesEveryIntervalAndAtFinish) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, false), clock.clock());
  for (int i = 1; i <= 50; ++i) {
    clock.advance(1);  // 50 s in all: lines at 10, 20, 30, 40, 50 s
    bar.update(i);
  }
  EXPECT_EQ(count(out.str(), '\n'), 5);
  EXPECT_EQ(count(out.str(), '\r'), 0);
  EXPECT_NE(out.str().find("sim: 10/100 (10%), 1.00 patterns/s, elapsed 00:10, remaining 01:30"),
            std::string::npos)
      << out.str();
  bar.finish("done");
  EXPECT_EQ(count(out.str(), '\n'), 6);
  const std::string last = out.str().substr(out.str().rfind("sim:"));
  EXPECT_EQ(last, "sim: 50/100 (50%), 1.00 patterns/s, elapsed 00:50, done\n");
}

TEST(ProgressBar, DisabledPrintsNothing) {
  std::ostringstream out;
  FakeClock clock;
  ProgressOptions o = options_for(out, true);
  o.enabled = false;
  {
    ProgressBar bar(o, clock.clock());
    clock.advance(5);
    bar.advance(10);
    bar.finish();
    EXPECT_EQ(bar.done(), 10);
  }
  EXPECT_TRUE(out.str().empty());
}

TEST(ProgressBar, UnknownTotalShowsCountAndRateOnly) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, true, 0), clock.clock());
  clock.advance(4);
  bar.advance(2);
  EXPECT_NE(out.str().find("sim  2 patterns  2.00 s/patterns  00:04"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find('%'), std::string::npos);
  EXPECT_EQ(out.str().find('<'), std::string::npos);
}

TEST(ProgressBar, FinishIsFinalAndUnfinishedTerminalLineIsEnded) {
  std::ostringstream out;
  FakeClock clock;
  {
    ProgressBar bar(options_for(out, true), clock.clock());
    bar.update(3);
  }
  EXPECT_EQ(out.str().back(), '\n') << "the destructor ends a line left open";
  std::ostringstream out2;
  ProgressBar bar(options_for(out2, false), clock.clock());
  bar.finish();
  const std::string once = out2.str();
  bar.finish();
  bar.update(7);
  EXPECT_EQ(out2.str(), once);
  EXPECT_TRUE(bar.finished());
}

TEST(ProgressBar, OverrunClampsBarAndPercent) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, true, 10), clock.clock());
  clock.advance(1);
  bar.update(15);
  EXPECT_NE(out.str().find("[####################] 100%  15/10"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("<00:00"), std::string::npos) << out.str();
}

TEST(ProgressBar, TotalCanBeSetOnceKnown) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(options_for(out, false, 0), clock.clock());
  clock.advance(2);
  bar.set_total(8);
  bar.update(2);
  bar.finish();
  EXPECT_EQ(out.str(), "sim: 2/8 (25%), 1.00 patterns/s, elapsed 00:02\n");
}

TEST(ProgressBar, StringStreamIsNotATerminalByDefault) {
  std::ostringstream out;
  ProgressOptions o;
  o.out = &out;
  EXPECT_FALSE(ProgressBar(o).is_tty());
}

TEST(FormatDuration, MinutesSecondsThenHours) {
  EXPECT_EQ(format_duration(0), "00:00");
  EXPECT_EQ(format_duration(59.4), "00:59");
  EXPECT_EQ(format_duration(61), "01:01");
  EXPECT_EQ(format_duration(3600), "1:00:00");
  EXPECT_EQ(format_duration(3 * 3600 + 62), "3:01:02");
  EXPECT_EQ(format_duration(-1), "--:--");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "--:--");
}

}  // namespace
}  // namespace ptychopinn
