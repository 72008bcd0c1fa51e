#include "ptychopinn/util/spelling.h"

#include <gtest/gtest.h>

namespace ptychopinn {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("nepochs", "nepoch"), 1u);
}

TEST(ClosestMatch, SuggestsATypoButNotAnUnrelatedWord) {
  const std::vector<std::string> keys = {"nepochs", "batch_size", "gridsize", "N"};
  EXPECT_EQ(closest_match("nepoch", keys), "nepochs");
  EXPECT_EQ(closest_match("grid_size", keys), "gridsize");
  EXPECT_EQ(closest_match("BATCH_SIZE", keys), "batch_size");
  EXPECT_EQ(closest_match("learning_rate", keys), "");
  EXPECT_EQ(did_you_mean("nepoch", keys), "; did you mean 'nepochs'?");
  EXPECT_EQ(did_you_mean("zzzzzzzz", keys), "");
}

}  // namespace
}  // namespace ptychopinn
