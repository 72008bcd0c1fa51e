// Replays the malformed-file corpus in tests/data/npy_bad/ (generated malformed files plus fuzzer
// finds): every file must raise IoError whose message names the file and contains the phrase given
// for it in expected.tsv. Nothing may crash or read out of bounds (run under ASan in the fuzz build).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "io_test_support.h"
#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

const std::string kCorpus = std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/data/npy_bad/";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Opens `path` as its extension says and touches everything in it.
void load_everything(const std::string& path) {
  if (ends_with(path, ".npz")) {
    NpzReader z(path);
    for (const auto& key : z.keys()) {
      z.header(key);
      z.read(key);
    }
  } else {
    read_npy(path);
  }
}

std::string io_error_message(const std::string& path) {
  try {
    load_everything(path);
  } catch (const IoError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(not an IoError) ") + e.what();
  }
  return "(no exception)";
}

TEST(BadFiles, EveryCorpusFileGivesANamedIoError) {
  std::ifstream manifest(kCorpus + "expected.tsv");
  ASSERT_TRUE(manifest) << "missing " << kCorpus << "expected.tsv";
  std::string line;
  int count = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string name = line.substr(0, tab);
    const std::string phrase = line.substr(tab + 1);
    const std::string path = kCorpus + name;
    const std::string message = io_error_message(path);
    EXPECT_EQ(message.rfind(path, 0), 0u) << name << ": message does not start with the path: " << message;
    EXPECT_NE(message.find(phrase), std::string::npos)
        << name << ": message lacks '" << phrase << "': " << message;
    ++count;
  }
  EXPECT_GE(count, 50);
}

TEST(BadFiles, MissingFileDirectoryAndEmptyPath) {
  testing::ScratchDir dir;
  const std::string missing = dir.file("nope.npz");
  for (const std::string& p : {missing, dir.file("nope.npy")}) {
    const std::string m = io_error_message(p);
    EXPECT_NE(m.find(p + ": no such file"), std::string::npos) << m;
  }
  for (const std::string& p : {dir.path() + "/x.npz", dir.path() + "/x.npy"}) {
    std::filesystem::create_directory(p);
    const std::string m = io_error_message(p);
    EXPECT_NE(m.find(p + ": is a directory"), std::string::npos) << m;
  }
}

TEST(BadFiles, CorruptDataNeverReadsPastTheBuffer) {
  // Every prefix of a valid file must fail cleanly (or, for the full length, succeed).
  const std::string good = encode_npy(NpyArray::from_strings({"ab", "c"}, {2}));
  for (std::size_t n = 0; n < good.size(); ++n) {
    // A heap copy of exactly n bytes, so that ASan sees any overread.
    std::unique_ptr<char[]> copy(new char[n == 0 ? 1 : n]);
    std::memcpy(copy.get(), good.data(), n);
    EXPECT_THROW(parse_npy(copy.get(), n, "prefix"), IoError) << n;
  }
  EXPECT_EQ(parse_npy(good.data(), good.size(), "full").strings(), (std::vector<std::string>{"ab", "c"}));
}

}  // namespace
}  // namespace ptychopinn::io
