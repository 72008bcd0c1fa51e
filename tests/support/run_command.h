#pragma once
// Runs a shell command for the CLI tests and captures what it printed and its exit code.
#include <string>

namespace ptychopinn::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` through /bin/sh; stdout and stderr are captured separately.
CommandResult run_command(const std::string& command);

// The built `ptychopinn` binary followed by `args` (already shell-quoted where needed).
CommandResult run_cli(const std::string& args);

// The whole content of a text file ("" when it cannot be read).
std::string read_text(const std::string& path);

// A fresh empty directory under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ptychopinn::testing
