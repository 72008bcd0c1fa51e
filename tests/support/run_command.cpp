#include "support/run_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ptychopinn::testing {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  const std::string err_file = tmp.file("stderr.txt");
  CommandResult r;
  FILE* pipe = popen((command + " 2>'" + err_file + "'").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed for: " + command);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream ef(err_file);
  std::stringstream ss;
  ss << ef.rdbuf();
  r.err = ss.str();
  return r;
}

CommandResult run_cli(const std::string& args) {
#ifndef PTYCHOPINN_CLI
#error "PTYCHOPINN_CLI (path of the built binary) must be defined"
#endif
  return run_command(std::string("'") + PTYCHOPINN_CLI + "' " + args);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ptychopinn-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace ptychopinn::testing
