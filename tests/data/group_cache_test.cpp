#include "ptychopinn/data/group_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "support/run_command.h"

namespace ptychopinn::data {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

bool contains(const std::vector<std::string>& messages, const std::string& part) {
  return std::any_of(messages.begin(), messages.end(),
                     [&](const std::string& m) { return m.find(part) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& messages) {
  std::string s;
  for (const auto& m : messages) s += m + "\n";
  return s;
}

// A 12 × 12 unit grid, gridsize 2, K = 6; the fallback folder is always a temporary one.
struct CacheFixture {
  TempDir dir;
  TempDir user_cache;
  std::vector<double> x, y;
  GroupingOptions grouping;
  GroupCacheOptions cache;
  std::string dataset;

  CacheFixture() {
    for (int r = 0; r < 12; ++r) {
      for (int c = 0; c < 12; ++c) {
        x.push_back(c);
        y.push_back(r);
      }
    }
    grouping.gridsize = 2;
    grouping.neighbor_count = 6;
    cache.fallback_dir = user_cache.file("groups");
    dataset = dir.file("scan.npz");
  }

  GroupCacheResult load() const { return load_or_form_groups(dataset, x, y, grouping, cache); }
  std::string cache_path() const { return group_cache_path(dataset, grouping); }
};

TEST(GroupCache, FileIsNamedAfterTheDatasetAndTheGroupingParameters) {
  GroupingOptions o;
  o.gridsize = 2;
  o.neighbor_count = 7;
  EXPECT_EQ(group_cache_path("/data/run1/scan.npz", o), "/data/run1/scan.g2k7.groups_cache.npz");
  EXPECT_EQ(group_cache_path("scan.npz", o), "scan.g2k7.groups_cache.npz");
  EXPECT_EQ(group_cache_path("/data/raw.h5", o), "/data/raw.h5.g2k7.groups_cache.npz");
  EXPECT_THROW(group_cache_path("", o), std::invalid_argument);
}

TEST(GroupCache, FirstUseCreatesACacheHoldingTheTableTheHashAndTheParameters) {
  const CacheFixture f;
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kCreated);
  EXPECT_EQ(r.path, f.cache_path());
  EXPECT_TRUE(r.messages.empty()) << joined(r.messages);
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);

  const io::NpzReader reader(f.cache_path());
  const io::NpyArray groups = reader.read("all_groups");
  EXPECT_EQ(groups.dtype(), io::DType::kInt64);
  EXPECT_EQ(groups.shape(), (std::vector<std::int64_t>{144, 4}));
  EXPECT_EQ(reader.read("groups_hash").string_value(), group_cache_hash(f.x, f.y, f.grouping));
  EXPECT_EQ(reader.read("groups_hash").dtype(), io::DType::kUnicode);
  EXPECT_EQ(reader.read("gridsize").to_double_vector(), std::vector<double>{2});
  EXPECT_EQ(reader.read("neighbor_count").to_double_vector(), std::vector<double>{6});
  EXPECT_EQ(reader.read("seed").to_double_vector(), std::vector<double>{42});
  EXPECT_EQ(reader.read("n_points").to_double_vector(), std::vector<double>{144});
  EXPECT_EQ(reader.read("format_version").to_double_vector(),
            std::vector<double>{static_cast<double>(kGroupCacheFormatVersion)});
  // Nothing else was written next to the dataset (no temporary file left behind).
  EXPECT_EQ(std::distance(fs::directory_iterator(f.dir.path()), fs::directory_iterator()), 1);
}

TEST(GroupCache, SecondUseReusesTheCacheWithoutRewritingIt) {
  const CacheFixture f;
  const GroupCacheResult first = f.load();
  struct stat before {};
  ASSERT_EQ(stat(f.cache_path().c_str(), &before), 0);
  const std::string bytes = read_bytes(f.cache_path());

  const GroupCacheResult second = f.load();
  EXPECT_EQ(second.status, GroupCacheStatus::kReused);
  EXPECT_EQ(second.path, f.cache_path());
  EXPECT_TRUE(second.messages.empty()) << joined(second.messages);
  EXPECT_EQ(second.table.indices, first.table.indices);
  struct stat after {};
  ASSERT_EQ(stat(f.cache_path().c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the file was replaced";
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_EQ(read_bytes(f.cache_path()), bytes);
}

TEST(GroupCache, AReusedTableComesFromTheFileNotFromRegrouping) {
  // A cache with the right hash but a different (valid) table: if grouping were recomputed, the
  // result would be form_groups' table, not this one.
  const CacheFixture f;
  std::vector<std::int64_t> planted(144 * 4);
  for (std::size_t i = 0; i < planted.size(); ++i) planted[i] = static_cast<std::int64_t>((i * 7) % 144);
  const std::int64_t version = kGroupCacheFormatVersion;
  io::write_npz(f.cache_path(),
                {{"all_groups", io::NpyArray::from_data<std::int64_t>({144, 4}, planted.data())},
                 {"groups_hash", io::NpyArray::scalar_string(group_cache_hash(f.x, f.y, f.grouping))},
                 {"format_version", io::NpyArray::from_data<std::int64_t>({}, &version)}});
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kReused);
  EXPECT_EQ(r.table.indices, planted);
}

TEST(GroupCache, ChangedCoordinatesRebuildTheCacheAndSaySo) {
  CacheFixture f;
  f.load();
  f.x[5] += 0.25;
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kRebuilt);
  EXPECT_EQ(r.path, f.cache_path());
  EXPECT_TRUE(contains(r.messages, "is stale")) << joined(r.messages);
  EXPECT_TRUE(contains(r.messages, "rebuilding")) << joined(r.messages);
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);
  EXPECT_EQ(io::NpzReader(f.cache_path()).read("groups_hash").string_value(),
            group_cache_hash(f.x, f.y, f.grouping));
  EXPECT_EQ(f.load().status, GroupCacheStatus::kReused);
}

TEST(GroupCache, AChangedSeedRebuildsTheCacheOfTheSameName) {
  CacheFixture f;
  const GroupCacheResult first = f.load();
  f.grouping.seed = 7;
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.path, first.path);
  EXPECT_EQ(r.status, GroupCacheStatus::kRebuilt);
  EXPECT_NE(r.table.indices, first.table.indices);
}

TEST(GroupCache, TheHashChangesWithEveryCoordinateAndParameter) {
  const CacheFixture f;
  const std::string h = group_cache_hash(f.x, f.y, f.grouping);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(group_cache_hash(f.x, f.y, f.grouping), h);
  auto x = f.x;
  x.back() = std::nextafter(x.back(), 1e9);
  EXPECT_NE(group_cache_hash(x, f.y, f.grouping), h);
  // Swapping x and y is a different scan.
  EXPECT_NE(group_cache_hash(f.y, f.x, f.grouping), h);
  for (int field = 0; field < 3; ++field) {
    GroupingOptions o = f.grouping;
    if (field == 0) o.gridsize = 3;
    if (field == 1) o.neighbor_count = 9;
    if (field == 2) o.seed = 43;
    EXPECT_NE(group_cache_hash(f.x, f.y, o), h) << "field " << field;
  }
}

TEST(GroupCache, ACorruptCacheIsRebuiltAndSaysSo) {
  const CacheFixture f;
  write_bytes(f.cache_path(), "this is not a zip file at all");
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kRebuilt);
  EXPECT_TRUE(contains(r.messages, "is unreadable")) << joined(r.messages);
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);
  EXPECT_EQ(f.load().status, GroupCacheStatus::kReused);
}

TEST(GroupCache, ACacheWithAMatchingHashButABadTableIsRebuilt) {
  const CacheFixture f;
  const std::string hash = group_cache_hash(f.x, f.y, f.grouping);
  const std::int64_t version = kGroupCacheFormatVersion;
  std::vector<std::int64_t> out_of_range(144 * 4, 144);
  for (const auto& groups : {io::NpyArray::from_data<std::int64_t>({144, 3}, out_of_range.data()),
                             io::NpyArray::from_data<std::int64_t>({144, 4}, out_of_range.data())}) {
    io::write_npz(f.cache_path(), {{"all_groups", groups},
                                   {"groups_hash", io::NpyArray::scalar_string(hash)},
                                   {"format_version", io::NpyArray::from_data<std::int64_t>({}, &version)}});
    const GroupCacheResult r = f.load();
    EXPECT_EQ(r.status, GroupCacheStatus::kRebuilt);
    EXPECT_TRUE(contains(r.messages, "all_groups")) << joined(r.messages);
  }
  // A missing member is corrupt too.
  io::write_npz(f.cache_path(), {{"groups_hash", io::NpyArray::scalar_string(hash)}});
  EXPECT_EQ(f.load().status, GroupCacheStatus::kRebuilt);
}

TEST(GroupCache, AnUnwritableDatasetFolderFallsBackToThePerUserFolder) {
  // A dataset "folder" that is a regular file can never take a file, even for root (for whom a
  // chmod'ed folder stays writable).
  CacheFixture f;
  write_bytes(f.dir.file("not_a_folder"), "x");
  f.dataset = f.dir.file("not_a_folder/scan.npz");
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kCreated);
  EXPECT_EQ(r.path, group_cache_fallback_path(f.dataset, f.cache.fallback_dir, f.grouping));
  EXPECT_EQ(fs::path(r.path).parent_path(), fs::path(f.cache.fallback_dir));
  EXPECT_TRUE(fs::exists(r.path));
  EXPECT_TRUE(contains(r.messages, "cannot write the group cache next to the dataset")) << joined(r.messages);
  EXPECT_TRUE(contains(r.messages, "per-user cache")) << joined(r.messages);
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);

  const GroupCacheResult again = f.load();
  EXPECT_EQ(again.status, GroupCacheStatus::kReused);
  EXPECT_EQ(again.path, r.path);
  EXPECT_TRUE(contains(again.messages, "using the per-user cache")) << joined(again.messages);
}

TEST(GroupCache, AReadOnlyDatasetFolderFallsBackToThePerUserFolder) {
  CacheFixture f;
  const std::string folder = f.dir.file("readonly");
  fs::create_directory(folder);
  f.dataset = folder + "/scan.npz";
  ASSERT_EQ(chmod(folder.c_str(), 0555), 0);
  if (access(folder.c_str(), W_OK) == 0) {
    chmod(folder.c_str(), 0755);
    GTEST_SKIP() << "running as root (or with CAP_DAC_OVERRIDE): a chmod 0555 folder is still writable; "
                    "AnUnwritableDatasetFolderFallsBackToThePerUserFolder covers the fallback";
  }
  const GroupCacheResult r = f.load();
  chmod(folder.c_str(), 0755);
  EXPECT_EQ(r.status, GroupCacheStatus::kCreated);
  EXPECT_EQ(r.path, group_cache_fallback_path(f.dataset, f.cache.fallback_dir, f.grouping));
  EXPECT_FALSE(fs::exists(group_cache_path(f.dataset, f.grouping)));
}

TEST(GroupCache, SameNamedDatasetsInDifferentFoldersGetDifferentFallbackFiles) {
  GroupingOptions o;
  o.gridsize = 2;
  const std::string a = group_cache_fallback_path("/data/a/scan.npz", "/cache", o);
  const std::string b = group_cache_fallback_path("/data/b/scan.npz", "/cache", o);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("/cache/scan.", 0), 0u) << a;
  EXPECT_EQ(a.size(), std::string("/cache/scan.0123456789abcdef.g2k4.groups_cache.npz").size()) << a;
}

TEST(GroupCache, WhenNoFolderIsWritableGroupingContinuesWithoutACache) {
  CacheFixture f;
  write_bytes(f.dir.file("file"), "x");
  f.dataset = f.dir.file("file/scan.npz");
  f.cache.fallback_dir = f.dir.file("file/groups");
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kUnwritable);
  EXPECT_EQ(r.path, "");
  EXPECT_TRUE(contains(r.messages, "continuing without a group cache")) << joined(r.messages);
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);
}

TEST(GroupCache, ADisabledCacheReadsAndWritesNothing) {
  CacheFixture f;
  f.cache.enabled = false;
  const GroupCacheResult r = f.load();
  EXPECT_EQ(r.status, GroupCacheStatus::kDisabled);
  EXPECT_EQ(r.path, "");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.table.indices, form_groups(f.x, f.y, f.grouping).indices);
  EXPECT_TRUE(fs::is_empty(f.dir.path()));
  EXPECT_FALSE(fs::exists(f.cache.fallback_dir));
}

TEST(GroupCache, InvalidOptionsThrowBeforeAnyFileIsWritten) {
  CacheFixture f;
  f.grouping.neighbor_count = 3;
  EXPECT_THROW(f.load(), std::invalid_argument);
  EXPECT_TRUE(fs::is_empty(f.dir.path()));
}

// Sets an environment variable for one scope and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(GroupCache, TheDefaultFallbackFolderFollowsXdgCacheHomeThenHome) {
  {
    const ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    const ScopedEnv home("HOME", "/home/u");
    EXPECT_EQ(default_group_cache_dir(), "/xdg/ptychopinn/groups");
  }
  {
    const ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
    const ScopedEnv home("HOME", "/home/u");
    EXPECT_EQ(default_group_cache_dir(), "/home/u/.cache/ptychopinn/groups");
  }
  {
    const ScopedEnv xdg("XDG_CACHE_HOME", "relative");  // the XDG spec says to ignore it
    const ScopedEnv home("HOME", nullptr);
    EXPECT_EQ(default_group_cache_dir(), "");
  }
}

TEST(GroupCache, StatusesHaveStableNames) {
  EXPECT_EQ(to_string(GroupCacheStatus::kCreated), "created");
  EXPECT_EQ(to_string(GroupCacheStatus::kReused), "reused");
  EXPECT_EQ(to_string(GroupCacheStatus::kRebuilt), "rebuilt");
  EXPECT_EQ(to_string(GroupCacheStatus::kDisabled), "disabled");
  EXPECT_EQ(to_string(GroupCacheStatus::kUnwritable), "unwritable");
}

}  // namespace
}  // namespace ptychopinn::data
