#include "ptychopinn/train/history.h"

#include <gtest/gtest.h>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::train {
namespace {

TEST(History, CsvRoundTripKeepsEveryDigitAndEmptyValidation) {
  std::vector<EpochRecord> h = {{1, 0.1234567890123, 0.2, 1e-3, 1.5}, {2, 1e-12, std::nullopt, 5e-4, 2.25}};
  h[1].amplitude_spread = 0.003;
  h[1].phase_spread = 0.25;
  h[1].pattern_correlation = 0.0625;
  h[1].collapsed = true;
  const auto csv = history_to_csv(h);
  EXPECT_EQ(
      csv.substr(0, csv.find('\n')),
      "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed");
  const auto back = history_from_csv(csv, "h.csv");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].train_loss, h[0].train_loss);
  EXPECT_EQ(*back[0].val_loss, 0.2);
  EXPECT_FALSE(back[0].amplitude_spread.has_value());
  EXPECT_FALSE(back[0].collapsed);
  EXPECT_FALSE(back[1].val_loss.has_value());
  EXPECT_EQ(back[1].learning_rate, 5e-4);
  EXPECT_EQ(back[1].epoch, 2);
  EXPECT_EQ(*back[1].amplitude_spread, 0.003);
  EXPECT_EQ(*back[1].phase_spread, 0.25);
  EXPECT_EQ(*back[1].pattern_correlation, 0.0625);
  EXPECT_TRUE(back[1].collapsed);
}

TEST(History, TheFiveColumnHistoryOfEarlierVersionsIsRead) {
  const auto back = history_from_csv("epoch,train_loss,val_loss,lr,seconds\n1,2.5,,0.001,1\n", "old.csv");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].train_loss, 2.5);
  EXPECT_FALSE(back[0].val_loss.has_value());
  EXPECT_FALSE(back[0].pattern_correlation.has_value());
}

std::string io_error_of(const std::string& text) {
  try {
    history_from_csv(text, "run/history.csv");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(History, MalformedCsvNamesTheFileAndLine) {
  EXPECT_NE(io_error_of("a,b\n").find("run/history.csv"), std::string::npos);
  const auto message = io_error_of("epoch,train_loss,val_loss,lr,seconds\n1,x,,1,1\n");
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  EXPECT_NE(io_error_of("epoch,train_loss,val_loss,lr,seconds\n1,2\n").find("expected 5"), std::string::npos);
  const std::string header =
      "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed\n";
  EXPECT_NE(io_error_of(header + "1,2,,1,1\n").find("expected 9"), std::string::npos);
  EXPECT_NE(io_error_of(header + "1,2,,1,1,0.1,0.1,0.5,maybe\n").find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::train
