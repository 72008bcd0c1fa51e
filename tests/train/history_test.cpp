#include "ptychopinn/train/history.h"

#include <gtest/gtest.h>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::train {
namespace {

TEST(History, CsvRoundTripKeepsEveryDigitAndEmptyValidation) {
  std::vector<EpochRecord> h = {{1, 0.1234567890123, 0.2, 1e-3, 1.5}, {2, 1e-12, std::nullopt, 5e-4, 2.25}};
  const auto csv = history_to_csv(h);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "epoch,train_loss,val_loss,lr,seconds");
  const auto back = history_from_csv(csv, "h.csv");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].train_loss, h[0].train_loss);
  EXPECT_EQ(*back[0].val_loss, 0.2);
  EXPECT_FALSE(back[1].val_loss.has_value());
  EXPECT_EQ(back[1].learning_rate, 5e-4);
  EXPECT_EQ(back[1].epoch, 2);
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
}

}  // namespace
}  // namespace ptychopinn::train
