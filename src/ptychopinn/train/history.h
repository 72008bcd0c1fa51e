#pragma once
// The per-epoch training history (history.csv: epoch, train_loss, val_loss, lr, seconds).
#include <optional>
#include <string>
#include <vector>

namespace ptychopinn::train {

struct EpochRecord {
  int epoch = 0;  // 1-based, as printed
  double train_loss = 0;
  std::optional<double> val_loss;  // none without a validation set (written as an empty cell)
  double learning_rate = 0;
  double seconds = 0;
};

// "epoch,train_loss,val_loss,lr,seconds\n" and one line per record, with full precision.
std::string history_to_csv(const std::vector<EpochRecord>& history);
// Inverse of history_to_csv; throws IoError naming `source` and the line for anything else.
std::vector<EpochRecord> history_from_csv(const std::string& text, const std::string& source);

}  // namespace ptychopinn::train
