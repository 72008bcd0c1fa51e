// The `ptychopinn` binary end to end: help, version, command table.
#include <gtest/gtest.h>

#include "support/run_command.h"

namespace ptychopinn {
namespace {

using testing::run_cli;

TEST(Cli, HelpListsEveryCommand) {
  const auto r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* cmd : {"inspect", "config", "version"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
}

TEST(Cli, VersionPrintsOurAndLibTorchVersions) {
  for (const char* flag : {"--version", "version"}) {
    const auto r = run_cli(flag);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ptychopinn 0."), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("LibTorch 1."), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("CUDA"), std::string::npos) << r.out;
  }
}

TEST(Cli, UnknownCommandSuggestsTheClosestOne) {
  const auto r = run_cli("inspcet x.npz");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown command 'inspcet'; did you mean 'inspect'?"), std::string::npos) << r.err;
}

TEST(Cli, NoArgumentsPrintsUsageAndFails) {
  const auto r = run_cli("");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("usage: ptychopinn <command>"), std::string::npos);
}

TEST(Cli, SubcommandHelpWorksBothWays) {
  for (const char* args : {"inspect --help", "help inspect"}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << args << r.err;
    EXPECT_NE(r.out.find("--json"), std::string::npos) << args;
  }
}

TEST(Cli, UnknownOptionIsAUsageError) {
  const auto r = run_cli("inspect --jsn x.npz");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--jsn"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ptychopinn
