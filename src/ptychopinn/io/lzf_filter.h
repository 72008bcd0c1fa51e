#pragma once
// The LZF compression filter of HDF5 (filter id 32000, h5py's), through Debian's liblzf.
//
// ptychodus writes its assembled diffraction files (patterns, indexes, bad_pixels) with
// compression='lzf'. libhdf5 has no LZF filter of its own, and Debian's hdf5-plugin-lzf cannot be
// loaded without preloading liblzf, so we register the filter in-process. The chunk format is
// h5py's: one raw LZF stream per chunk, no header; a chunk that does not shrink is stored
// uncompressed (the filter is optional). Our set_local records h5py's client data {filter revision,
// LZF version, chunk bytes}, so h5py and the HDF Group's plugin read our files and we read theirs.
namespace ptychopinn::io {

constexpr int kLzfFilterId = 32000;

// Registers the filter with this process's HDF5 library unless a filter with its id is already
// there (h5py's or the plugin). Safe to call repeatedly and from several threads (Debian's HDF5 is
// thread-safe). Throws IoError when HDF5 refuses the registration.
void register_lzf_filter();

}  // namespace ptychopinn::io
