#include "ptychopinn/util/strings.h"

#include <gtest/gtest.h>

#include <limits>

#include "ptychopinn/util/fixed_point.h"

namespace ptychopinn {
namespace {

TEST(FormatShape, PrintsBracketedCommaSeparatedDims) {
  EXPECT_EQ(format_shape({}), "[]");
  EXPECT_EQ(format_shape({64, 64, 1200}), "[64, 64, 1200]");
}

// The messages that used per-file copies of this print numbers as a stream does by default.
TEST(FormatNumber, PrintsSixSignificantDigitsLikeAStream) {
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(3.14159265), "3.14159");
  EXPECT_EQ(format_number(1e9), "1e+09");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
}

TEST(Quoted, EscapesControlAndNonAsciiBytes) {
  EXPECT_EQ(quoted("diff3d"), "'diff3d'");
  EXPECT_EQ(quoted("a\nb"), "'a\\nb'");
  EXPECT_EQ(quoted(std::string("\x01\xff", 2)), "'\\x01\\xff'");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
}

}  // namespace
}  // namespace ptychopinn

namespace ptychopinn {
namespace {

TEST(Fixed, PrintsTheGivenNumberOfDecimals) {
  EXPECT_EQ(fixed(3.14159, 2), "3.14");
  EXPECT_EQ(fixed(0.6587, 3), "0.659");
  EXPECT_EQ(fixed(12.0, 0), "12");
  EXPECT_EQ(fixed(-1.25, 1), "-1.2");
}

}  // namespace
}  // namespace ptychopinn
