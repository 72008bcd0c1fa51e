#include "ptychopinn/util/strings.h"

#include <gtest/gtest.h>

namespace ptychopinn {
namespace {

TEST(FormatShape, PrintsBracketedCommaSeparatedDims) {
  EXPECT_EQ(format_shape({}), "[]");
  EXPECT_EQ(format_shape({64, 64, 1200}), "[64, 64, 1200]");
}

TEST(Quoted, EscapesControlAndNonAsciiBytes) {
  EXPECT_EQ(quoted("diff3d"), "'diff3d'");
  EXPECT_EQ(quoted("a\nb"), "'a\\nb'");
  EXPECT_EQ(quoted(std::string("\x01\xff", 2)), "'\\x01\\xff'");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
}

}  // namespace
}  // namespace ptychopinn
