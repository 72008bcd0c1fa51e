#include "ptychopinn/data/group_cache.h"

#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::data {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHashDomain = "ptychopinn.groups_cache";

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return s;
}

std::string dataset_basename(const std::string& dataset_path) {
  if (dataset_path.empty()) {
    throw std::invalid_argument("group cache: dataset_path = ''; expected the path of the dataset file");
  }
  std::string name = fs::path(dataset_path).filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw std::invalid_argument("group cache: dataset_path = " + quoted(dataset_path) +
                                "; expected the path of a file, not a folder");
  }
  const std::string suffix = ".npz";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name.resize(name.size() - suffix.size());
  }
  return name;
}

std::string parameter_suffix(const GroupingOptions& options) {
  return ".g" + std::to_string(options.gridsize) + "k" + std::to_string(options.neighbor_count) +
         ".groups_cache.npz";
}

// What reading a cache file found.
enum class Probe { kMissing, kMatch, kStale, kCorrupt };

struct ProbeResult {
  Probe probe = Probe::kMissing;
  GroupTable table;    // filled for kMatch
  std::string detail;  // why it is stale or corrupt
};

template <class T>
T read_scalar(const io::NpzReader& reader, const std::string& key, io::DType dtype) {
  const io::NpyArray a = reader.read(key);
  if (a.dtype() != dtype || a.numel() != 1) {
    throw IoError(reader.path() + ": member '" + key + "' = " + a.descr() + " " + format_shape(a.shape()) +
                  "; expected one " + io::to_string(dtype) + " value");
  }
  T v;
  std::memcpy(&v, a.data(), sizeof v);
  return v;
}

ProbeResult corrupt(const char* why) {
  ProbeResult r;
  r.probe = Probe::kCorrupt;
  r.detail = why;
  return r;
}

// Reads `path` and checks it against `hash`. The whole table is read and range-checked only when
// the hash matches, so a stale cache costs one small member read.
ProbeResult probe_cache(const std::string& path, const std::string& hash, std::int64_t m, int c) {
  ProbeResult result;
  std::error_code ec;
  if (!fs::exists(path, ec)) return result;
  try {
    const io::NpzReader reader(path);
    const std::string stored = reader.read("groups_hash").string_value();
    if (stored != hash) {
      result.probe = Probe::kStale;
      result.detail = "stored hash " + stored + " differs from " + hash +
                      ": the coordinates or the grouping parameters changed";
      return result;
    }
    const auto version = read_scalar<std::int64_t>(reader, "format_version", io::DType::kInt64);
    if (version != kGroupCacheFormatVersion) {
      throw IoError(path + ": format_version = " + std::to_string(version) + "; expected " +
                    std::to_string(kGroupCacheFormatVersion));
    }
    const io::NpyArray groups = reader.read("all_groups").aligned();
    const std::vector<std::int64_t> expected_shape{m, c};
    if (groups.dtype() != io::DType::kInt64 || groups.shape() != expected_shape) {
      throw IoError(path + ": all_groups = " + groups.descr() + " " + format_shape(groups.shape()) +
                    "; expected int64 " + format_shape(expected_shape));
    }
    const std::int64_t* data = groups.data_as<std::int64_t>();
    result.table.n_rows = m;
    result.table.group_size = c;
    result.table.indices.assign(data, data + groups.numel());
    for (std::size_t i = 0; i < result.table.indices.size(); ++i) {
      const std::int64_t v = result.table.indices[i];
      if (v < 0 || v >= m) {
        throw IoError(path + ": all_groups element " + std::to_string(i) + " = " + std::to_string(v) +
                      "; expected 0 <= index < M = " + std::to_string(m));
      }
    }
    result.probe = Probe::kMatch;
  } catch (const IoError& e) {
    // A corrupt cache is rebuilt, not fatal: its reason travels to the user in the messages.
    result = corrupt(e.what());
  } catch (const std::out_of_range& e) {  // a missing member
    result = corrupt(e.what());
  } catch (const std::invalid_argument& e) {  // e.g. groups_hash not a one-element string
    result = corrupt(e.what());
  }
  return result;
}

// "" when a file can be created at `path` (by creating and abandoning a temporary file beside it:
// the only test that also holds for root, read-only mounts and odd parents), else why not.
std::string cannot_write(const std::string& path) {
  try {
    io::AtomicFile probe(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

void write_cache(const std::string& path, const std::string& hash, const GroupTable& table,
                 const GroupingOptions& options) {
  const std::int64_t version = kGroupCacheFormatVersion;
  const std::int64_t gridsize = options.gridsize;
  const std::int64_t neighbor_count = options.neighbor_count;
  const std::uint64_t seed = options.seed;
  const std::int64_t n_points = table.n_rows;
  io::NpzWriter writer(path, /*compress=*/false);
  writer.add("all_groups",
             io::NpyArray::from_data<std::int64_t>({table.n_rows, table.group_size}, table.indices.data()));
  writer.add("groups_hash", io::NpyArray::scalar_string(hash));
  writer.add("format_version", io::NpyArray::from_data<std::int64_t>({}, &version));
  writer.add("gridsize", io::NpyArray::from_data<std::int64_t>({}, &gridsize));
  writer.add("neighbor_count", io::NpyArray::from_data<std::int64_t>({}, &neighbor_count));
  writer.add("seed", io::NpyArray::from_data<std::uint64_t>({}, &seed));
  writer.add("n_points", io::NpyArray::from_data<std::int64_t>({}, &n_points));
  writer.close();
}

std::string describe(const ProbeResult& probe, const std::string& path) {
  if (probe.probe == Probe::kStale)
    return "group cache " + path + " is stale (" + probe.detail + "); rebuilding it";
  return "group cache " + path + " is unreadable (" + probe.detail + "); rebuilding it";
}

}  // namespace

std::string to_string(GroupCacheStatus status) {
  switch (status) {
    case GroupCacheStatus::kCreated:
      return "created";
    case GroupCacheStatus::kReused:
      return "reused";
    case GroupCacheStatus::kRebuilt:
      return "rebuilt";
    case GroupCacheStatus::kDisabled:
      return "disabled";
    case GroupCacheStatus::kUnwritable:
      return "unwritable";
  }
  return "unknown";
}

std::string group_cache_path(const std::string& dataset_path, const GroupingOptions& options) {
  const std::string base = dataset_basename(dataset_path);
  return (fs::path(dataset_path).parent_path() / (base + parameter_suffix(options))).string();
}

std::string group_cache_fallback_path(const std::string& dataset_path, const std::string& fallback_dir,
                                      const GroupingOptions& options) {
  const std::string base = dataset_basename(dataset_path);
  const std::string absolute = fs::absolute(fs::path(dataset_path)).lexically_normal().string();
  const XXH64_hash_t h = XXH3_64bits(absolute.data(), absolute.size());
  XXH64_canonical_t canonical;
  XXH64_canonicalFromHash(&canonical, h);
  const std::string tag = hex(canonical.digest, sizeof canonical.digest);
  return (fs::path(fallback_dir) / (base + "." + tag + parameter_suffix(options))).string();
}

std::string default_group_cache_dir() {
  // Read at call time, never stored: no process-wide state.
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return (fs::path(xdg) / "ptychopinn" / "groups").string();
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0')
    return (fs::path(home) / ".cache" / "ptychopinn" / "groups").string();
  return "";
}

std::string group_cache_hash(const std::vector<double>& x, const std::vector<double>& y,
                             const GroupingOptions& options) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
  if (!state) throw std::bad_alloc();
  XXH3_128bits_reset(state.get());
  XXH3_128bits_update(state.get(), kHashDomain, std::strlen(kHashDomain));
  // Integers as 8 bytes each in memory order (little endian on every platform we build for),
  // then the coordinate bytes, each array preceded by its length so x|y boundaries are unambiguous.
  const std::int64_t header[] = {kGroupCacheFormatVersion,
                                 options.gridsize,
                                 options.neighbor_count,
                                 static_cast<std::int64_t>(options.seed),
                                 static_cast<std::int64_t>(x.size()),
                                 static_cast<std::int64_t>(y.size())};
  XXH3_128bits_update(state.get(), header, sizeof header);
  XXH3_128bits_update(state.get(), x.data(), x.size() * sizeof(double));
  XXH3_128bits_update(state.get(), y.data(), y.size() * sizeof(double));
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, h);
  return hex(canonical.digest, sizeof canonical.digest);
}

GroupCacheResult load_or_form_groups(const std::string& dataset_path, const std::vector<double>& x,
                                     const std::vector<double>& y, const GroupingOptions& options,
                                     const GroupCacheOptions& cache) {
  check_grouping_inputs("load_or_form_groups", x, y, options);
  GroupCacheResult result;
  if (!cache.enabled) {
    result.table = form_groups(x, y, options);
    result.status = GroupCacheStatus::kDisabled;
    return result;
  }
  const std::string primary = group_cache_path(dataset_path, options);
  const std::string hash = group_cache_hash(x, y, options);
  const auto m = static_cast<std::int64_t>(x.size());
  const int c = options.group_size();

  ProbeResult found = probe_cache(primary, hash, m, c);
  if (found.probe == Probe::kMatch) {
    result.table = std::move(found.table);
    result.status = GroupCacheStatus::kReused;
    result.path = primary;
    return result;
  }
  if (found.probe != Probe::kMissing) result.messages.push_back(describe(found, primary));

  bool formed = false;
  auto form_once = [&] {
    if (!formed) result.table = form_groups(x, y, options);
    formed = true;
  };

  std::string primary_error = cannot_write(primary);
  if (primary_error.empty()) {
    form_once();
    try {
      write_cache(primary, hash, result.table, options);
      result.status =
          found.probe == Probe::kMissing ? GroupCacheStatus::kCreated : GroupCacheStatus::kRebuilt;
      result.path = primary;
      return result;
    } catch (const IoError& e) {  // e.g. the disk filled up after the probe: try the fallback
      primary_error = e.what();
    }
  }

  const std::string fallback_dir =
      cache.fallback_dir.empty() ? default_group_cache_dir() : cache.fallback_dir;
  if (fallback_dir.empty()) {
    form_once();
    result.status = GroupCacheStatus::kUnwritable;
    result.messages.push_back("cannot write the group cache next to the dataset (" + primary_error +
                              ") and no per-user cache folder is known (neither XDG_CACHE_HOME nor HOME is "
                              "set); continuing without a group cache");
    return result;
  }
  std::error_code ec;
  fs::create_directories(fallback_dir, ec);  // failure shows up as the write failing below
  const std::string fallback = group_cache_fallback_path(dataset_path, fallback_dir, options);
  const std::string why = "cannot write the group cache next to the dataset (" + primary_error + ")";

  ProbeResult in_fallback = probe_cache(fallback, hash, m, c);
  if (in_fallback.probe == Probe::kMatch) {
    result.table = std::move(in_fallback.table);
    result.status = GroupCacheStatus::kReused;
    result.path = fallback;
    result.messages.push_back(why + "; using the per-user cache " + fallback);
    return result;
  }
  if (in_fallback.probe != Probe::kMissing) result.messages.push_back(describe(in_fallback, fallback));
  form_once();
  try {
    write_cache(fallback, hash, result.table, options);
    result.status =
        in_fallback.probe == Probe::kMissing ? GroupCacheStatus::kCreated : GroupCacheStatus::kRebuilt;
    result.path = fallback;
    result.messages.push_back(why + "; wrote it to the per-user cache " + fallback);
  } catch (const IoError& e) {
    result.status = GroupCacheStatus::kUnwritable;
    result.messages.push_back(why + " nor in the per-user cache folder (" + e.what() +
                              "); continuing without a group cache");
  }
  return result;
}

}  // namespace ptychopinn::data
