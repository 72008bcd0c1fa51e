#include "ptychopinn/workflow/report_run.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ptychopinn/util/errors.h"
#include "ptychopinn/workflow/run_layout.h"
#include "support/run_command.h"

namespace ptychopinn::workflow {
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

TEST(HtmlReport, EmbedsCurvesAndConfigAndExplainsMissingParts) {
  testing::TempDir dir;
  std::ofstream(dir.file("history.csv"))
      << "epoch,train_loss,val_loss,lr,seconds\n1,2.5,2.75,0.001,1\n2,2,2.25,0.001,1\n";
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

// Epoch 2 is flat (both spreads below 0.01); epochs 11 and 12 are textured but ignore the patterns.
TEST(HtmlReport, NamesEachKindOfCollapseWithItsEpochs) {
  testing::TempDir dir;
  std::ofstream history(dir.file("history.csv"));
  history
      << "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed\n";
  for (int e = 1; e <= 12; ++e) {
    const bool flat = e == 2, ignoring = e >= 11;
    history << e << ",2,2,0.001,1," << (flat ? "0.001" : "0.3") << "," << (flat ? "0.002" : "0.5") << ","
            << (flat || ignoring ? "0.01" : "0.5") << "," << (flat || ignoring ? 1 : 0) << "\n";
  }
  history.close();
  ReportInputs in;
  in.run_dir = dir.path();
  const auto html = html_report(in);
  EXPECT_NE(html.find("collapsed to a flat object at epoch 2,"), std::string::npos) << html;
  EXPECT_NE(
      html.find("did not follow the patterns (the same texture whatever it was shown) at epochs 11, 12"),
      std::string::npos)
      << html;
  EXPECT_NE(html.find("still collapsed at the end"), std::string::npos);
}

TEST(ReportRun, WritesThePageIntoTheRunFolderByDefault) {
  testing::TempDir dir;
  std::ofstream(dir.file(layout::kHistory)) << "epoch,train_loss,val_loss,lr,seconds\n1,2.5,,0.001,1\n";
  ReportInputs in;
  in.run_dir = dir.path();
  const std::string page = report_run(in);
  EXPECT_EQ(page, dir.file(layout::kReport));
  std::ifstream f(page);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<h1>ptychopinn report</h1>"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::workflow
