#pragma once
// The model-archive view of `ptychopinn inspect` (cmd_inspect.cpp chooses it when
// bundle::looks_like_archive says so).
#include <string>

namespace ptychopinn::cli {

// Loads the archive (bundle::load_archive; its IoError, e.g. for a TensorFlow or PyTorch archive,
// propagates to main, which prints it and exits 1) and prints bundle::summarize_archive as JSON or
// as text. Returns the exit code (0).
int inspect_archive(const std::string& path, bool json);

}  // namespace ptychopinn::cli
