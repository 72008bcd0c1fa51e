#pragma once
// Stage 2 of grouping (group-then-sample, docs/data-pipeline.md): the stage-1 table (grouping.h)
// cached on disk next to the dataset, keyed by a hash of the coordinates and the grouping
// parameters, so a second run reuses it and a stale or corrupt cache is detected and rebuilt.
//
// File: <dir>/<basename>.g{gridsize}k{K}.groups_cache.npz, basename = the dataset's file name
// without a trailing ".npz" (the name the reference's cache files once had). An uncompressed npz:
//   all_groups      [n_rows, C] int64   the GroupTable, row i = the group of scan point i
//   groups_hash     0-d unicode         32 hex digits: XXH3-128 of the key (group_cache_hash)
//   format_version  0-d int64           kGroupCacheFormatVersion
//   gridsize        0-d int64           the parameters, as plain values for people reading the
//   neighbor_count  0-d int64           file; the hash alone decides reuse
//   seed            0-d uint64
//   n_points        0-d int64           M, the number of scan points
//
// When the dataset's folder cannot be written, the cache goes to a per-user folder instead
// (GroupCacheOptions::fallback_dir, default $XDG_CACHE_HOME/ptychopinn/groups, else
// $HOME/.cache/ptychopinn/groups) as <basename>.<16 hex digits of XXH3-64 of the dataset's
// absolute path>.g{gridsize}k{K}.groups_cache.npz, so two datasets of the same name do not collide.
// If that cannot be written either, grouping still proceeds, uncached.
//
// The library prints nothing: what happened is in GroupCacheResult (status, path, messages), and
// callers (the CLI, the bindings) decide whether to show it.
#include <cstdint>
#include <string>
#include <vector>

#include "ptychopinn/data/grouping.h"

namespace ptychopinn::data {

// Bumped whenever the file layout or the grouping algorithm changes: it is part of the hash, so
// caches written by an older version are rebuilt rather than trusted.
inline constexpr std::int64_t kGroupCacheFormatVersion = 1;

struct GroupCacheOptions {
  // false: group in memory, read and write no file (status kDisabled).
  bool enabled = true;
  // Where caches go when the dataset's folder is not writable. "" = the per-user default
  // ($XDG_CACHE_HOME/ptychopinn/groups, else $HOME/.cache/ptychopinn/groups; none when neither
  // variable is set). Tests pass a temporary folder so they never touch the real home.
  std::string fallback_dir;
};

enum class GroupCacheStatus {
  kCreated,     // no usable cache existed; grouped and wrote one (at `path`)
  kReused,      // a cache with a matching hash was read; grouping was not recomputed, no file written
  kRebuilt,     // a cache existed but was stale (hash mismatch) or unreadable; grouped and rewrote it
  kDisabled,    // GroupCacheOptions::enabled == false; grouped in memory, no file read or written
  kUnwritable,  // no folder could take the cache; grouped in memory (a warning says why)
};
std::string to_string(GroupCacheStatus status);  // "created", "reused", "rebuilt", "disabled", "unwritable"

struct GroupCacheResult {
  GroupTable table;  // [M, C] int64, as form_groups returns it
  GroupCacheStatus status = GroupCacheStatus::kCreated;
  // The cache file read or written (the fallback folder's file when that was used); "" for
  // kDisabled and kUnwritable.
  std::string path;
  // Complete sentences for the user, in the order things happened: a stale or corrupt cache being
  // rebuilt, the fallback folder being used, no cache being possible. Empty on the quiet paths
  // (created or reused in the dataset's folder, disabled).
  std::vector<std::string> messages;
};

// The cache file's name next to the dataset: "<dir>/<basename>.g{gridsize}k{K}.groups_cache.npz".
// Throws std::invalid_argument for an empty dataset_path.
std::string group_cache_path(const std::string& dataset_path, const GroupingOptions& options);

// The cache file's name in `fallback_dir` (see the top of this file). The dataset's absolute path
// is taken lexically (std::filesystem::absolute), so the dataset need not exist.
std::string group_cache_fallback_path(const std::string& dataset_path, const std::string& fallback_dir,
                                      const GroupingOptions& options);

// The per-user fallback folder: $XDG_CACHE_HOME/ptychopinn/groups when XDG_CACHE_HOME is set to an
// absolute path, else $HOME/.cache/ptychopinn/groups, else "" (no fallback).
std::string default_group_cache_dir();

// The cache key: XXH3-128, as 32 lower-case hex digits, of the format version, gridsize,
// neighbor_count, seed, M and the bytes of x then y (float64, little endian). Any change to a
// coordinate or a parameter changes it. x, y: [M] float64.
std::string group_cache_hash(const std::vector<double>& x, const std::vector<double>& y,
                             const GroupingOptions& options);

// Stage 1 through the cache: returns form_groups(x, y, options), read from the cache next to the
// dataset when its hash matches, else formed and written there (atomically: a reader never sees a
// half-written file). Only when that folder cannot take a file is the fallback folder consulted:
// its cache is reused when its hash matches, else formed and written there. See GroupCacheStatus for the
// outcomes. dataset_path is only used to name the cache; the dataset file itself is not opened.
// x, y: [M] float64 scan positions, as for form_groups.
// Throws what form_groups throws (invalid options or coordinates; checked before any file is
// touched) and std::invalid_argument for an empty dataset_path. A missing, stale, corrupt or
// unwritable cache is never an error: it is rebuilt, or skipped, and reported in `messages`.
GroupCacheResult load_or_form_groups(const std::string& dataset_path, const std::vector<double>& x,
                                     const std::vector<double>& y, const GroupingOptions& options,
                                     const GroupCacheOptions& cache = {});

}  // namespace ptychopinn::data
