// io::encode_zip / write_zip / ZipReader (src/ptychopinn/io/zip_archive.cpp). Kept with the bundle
// tests, its only user, so that the io test executable stays free of it until it has another.
#include "ptychopinn/io/zip_archive.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ptychopinn/util/errors.h"
#include "support/run_command.h"

namespace ptychopinn::io {
namespace {

using ptychopinn::testing::TempDir;

std::string read_error(const ZipReader& zip, const std::string& name) {
  try {
    zip.read(name);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(ZipArchive, RoundTripsStoredDeflatedAndEmptyMembers) {
  TempDir dir;
  const std::string binary("\0\x01\x02\xff", 4);
  const std::string text(10000, 'a');
  write_zip(dir.file("a.zip"), {{"bin", binary, ZipCompression::kStore},
                                {"dir/text.txt", text, ZipCompression::kDeflate},
                                {"empty", "", ZipCompression::kDeflate}});
  const ZipReader zip(dir.file("a.zip"));
  EXPECT_EQ(zip.names(), (std::vector<std::string>{"bin", "dir/text.txt", "empty"}));
  EXPECT_EQ(zip.read("bin"), binary);
  EXPECT_EQ(zip.read("dir/text.txt"), text);
  EXPECT_EQ(zip.read("empty"), "");
  EXPECT_TRUE(zip.contains("bin"));
  EXPECT_FALSE(zip.contains("text.txt"));
  EXPECT_EQ(zip_member_names(dir.file("a.zip")), zip.names());
  EXPECT_LT(std::filesystem::file_size(dir.file("a.zip")), 1000u) << "text was not deflated";
}

TEST(ZipArchive, SameMembersGiveTheSameBytes) {
  const std::vector<ZipMember> m = {{"x", "1"}, {"y", "22", ZipCompression::kStore}};
  EXPECT_EQ(encode_zip(m, "a"), encode_zip(m, "a"));
}

TEST(ZipArchive, EmptyArchiveIsAValidZip) {
  TempDir dir;
  write_zip(dir.file("e.zip"), {});
  EXPECT_TRUE(ZipReader(dir.file("e.zip")).names().empty());
}

TEST(ZipArchive, MissingMemberListsThePresentOnes) {
  TempDir dir;
  write_zip(dir.file("a.zip"), {{"config.json", "{}"}, {"manifest.json", "{}"}});
  const std::string e = read_error(ZipReader(dir.file("a.zip")), "manfest.json");
  EXPECT_NE(
      e.find(dir.file("a.zip") + ", member 'manfest.json': is missing; the archive holds 'config.json', "
                                 "'manifest.json'; did you mean 'manifest.json'?"),
      std::string::npos)
      << e;
}

TEST(ZipArchive, BadOrDuplicateNamesAreRefused) {
  for (const char* bad : {"", "/abs", "a/../b", "a//b", "./a", "a\\b", "a\nb", "dir/"}) {
    EXPECT_THROW(encode_zip({{bad, "x"}}, "a.zip"), std::invalid_argument) << bad;
  }
  EXPECT_THROW(encode_zip({{"a", "x"}, {"a", "y"}}, "a.zip"), std::invalid_argument);
}

TEST(ZipArchive, UnreadableFilesAreClearErrors) {
  TempDir dir;
  std::ofstream(dir.file("empty.zip"));
  EXPECT_THROW(ZipReader(dir.file("empty.zip")), IoError);
  EXPECT_EQ(zip_member_names(dir.file("empty.zip")), std::nullopt);
  EXPECT_THROW(ZipReader(dir.file("missing.zip")), IoError);
  EXPECT_EQ(zip_member_names(dir.file("missing.zip")), std::nullopt);
  EXPECT_EQ(zip_member_names(dir.path()), std::nullopt);
}

TEST(ZipArchive, CorruptMemberFailsItsCrc) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i * 7919 % 1000) + ",";
  write_zip(dir.file("a.zip"), {{"t.csv", text, ZipCompression::kStore}});
  {
    std::fstream f(dir.file("a.zip"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('#');
  }
  const std::string e = read_error(ZipReader(dir.file("a.zip")), "t.csv");
  EXPECT_NE(e.find("member 't.csv': cannot be read"), std::string::npos) << e;
  EXPECT_NE(e.find("CRC"), std::string::npos) << e;
}

}  // namespace
}  // namespace ptychopinn::io
