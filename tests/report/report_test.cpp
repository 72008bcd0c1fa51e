#include <gtest/gtest.h>

#include <fstream>

#include "ptychopinn/report/html_report.h"
#include "ptychopinn/report/training_pictures.h"
#include "ptychopinn/util/errors.h"
#include "support/run_command.h"

namespace ptychopinn::report {
namespace {

TEST(Base64, MatchesRfc4648TestVectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\x00\x80", 3)), "/wCA");
}

TEST(TrainingCurves, DrawsNegativeLossesOnALogAxis) {
  // Poisson NLLs at counts scale are negative: the picture must still show them.
  std::vector<train::EpochRecord> h = {{1, -5.0, -4.0, 1e-3, 1}, {2, -6.0, -5.5, 1e-3, 1}, {3, -6.5, std::nullopt, 5e-4, 1}};
  const auto img = training_curves(h);
  EXPECT_GT(img.width(), 300);
  EXPECT_GT(img.height(), 300);
}

TEST(HtmlReport, EmbedsCurvesAndConfigAndExplainsMissingParts) {
  testing::TempDir dir;
  std::ofstream(dir.file("history.csv")) << "epoch,train_loss,val_loss,lr,seconds\n1,2.5,2.75,0.001,1\n2,2,2.25,0.001,1\n";
  std::ofstream(dir.file("config.yaml")) << "model:\n  N: 64\n";
  ReportInputs in;
  in.run_dir = dir.path();
  in.evaluation_dir = dir.path();  // no metrics.json there
  const auto html = html_report(in);
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  EXPECT_NE(html.find("N: 64"), std::string::npos);
  EXPECT_NE(html.find("metrics.json is missing"), std::string::npos);
  in.run_dir = dir.file("nothing");
  EXPECT_THROW(html_report(in), IoError);
}

}  // namespace
}  // namespace ptychopinn::report
