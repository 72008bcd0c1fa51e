#include "ptychopinn/io/lzf_filter.h"

#include <hdf5.h>
#include <lzf.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <limits>

#include "ptychopinn/io/hdf5_file.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

// h5py's filter revision and the liblzf API version it records in the client data.
constexpr unsigned kFilterRevision = 4;
constexpr unsigned kLzfApiVersion = 0x0105;
// A decompressed chunk larger than this is refused as corrupt (HDF5 chunks are < 4 GiB).
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 32;

// Records the chunk size, so that decompression allocates the right buffer at once.
herr_t set_local(hid_t dcpl, hid_t type, hid_t /*space*/) {
  unsigned flags = 0;
  std::size_t count = 8;
  unsigned values[8] = {};
  if (H5Pget_filter_by_id2(dcpl, kLzfFilterId, &flags, &count, values, 0, nullptr, nullptr) < 0) return -1;
  hsize_t chunk[32] = {};
  const int rank = H5Pget_chunk(dcpl, 32, chunk);
  if (rank < 0) return -1;
  const std::size_t element = H5Tget_size(type);
  if (element == 0) return -1;
  hsize_t bytes = element;
  for (int i = 0; i < rank; ++i) bytes *= chunk[i];
  if (bytes > std::numeric_limits<unsigned>::max()) return -1;
  const unsigned client[3] = {kFilterRevision, kLzfApiVersion, static_cast<unsigned>(bytes)};
  return H5Pmodify_filter(dcpl, kLzfFilterId, flags, 3, client);
}

// HDF5's filter callback: compresses (or, with H5Z_FLAG_REVERSE, decompresses) the nbytes at *buf,
// replacing *buf with a buffer of *buf_size bytes; returns the valid bytes, or 0 for failure (for
// compression: "did not shrink", and HDF5 stores the chunk as it is).
std::size_t filter(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes,
                   std::size_t* buf_size, void** buf) {
  if (nbytes == 0 || nbytes > std::numeric_limits<unsigned>::max()) return 0;
  if (!(flags & H5Z_FLAG_REVERSE)) {
    void* out = H5allocate_memory(nbytes, false);
    if (out == nullptr) return 0;
    const unsigned written =
        lzf_compress(*buf, static_cast<unsigned>(nbytes), out, static_cast<unsigned>(nbytes));
    if (written == 0) {
      H5free_memory(out);
      return 0;
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = nbytes;
    return written;
  }
  // The chunk size from the client data when the writer recorded it; else grow until it fits.
  std::size_t capacity = cd_nelmts >= 3 && cd_values[2] != 0 ? cd_values[2] : *buf_size;
  if (capacity == 0) capacity = nbytes;
  for (;;) {
    if (capacity > kMaxChunkBytes) return 0;
    void* out = H5allocate_memory(capacity, false);
    if (out == nullptr) return 0;
    errno = 0;
    const unsigned size = lzf_decompress(
        *buf, static_cast<unsigned>(nbytes), out,
        static_cast<unsigned>(std::min<std::size_t>(capacity, std::numeric_limits<unsigned>::max())));
    if (size != 0) {
      H5free_memory(*buf);
      *buf = out;
      *buf_size = capacity;
      return size;
    }
    H5free_memory(out);
    if (errno != E2BIG) return 0;  // EINVAL: corrupt data
    capacity *= 2;
  }
}

}  // namespace

void register_lzf_filter() {
  hdf5::QuietErrors quiet;
  if (H5Zfilter_avail(kLzfFilterId) > 0) return;
  const H5Z_class2_t filter_class = {
      H5Z_CLASS_T_VERS,
      static_cast<H5Z_filter_t>(kLzfFilterId),
      1,  // encoder present
      1,  // decoder present
      "lzf",
      nullptr,  // can_apply: any type
      set_local,
      filter,
  };
  if (H5Zregister(&filter_class) < 0) {
    throw_io_error("HDF5", "cannot register the LZF filter (id 32000): " + hdf5::error_detail());
  }
}

}  // namespace ptychopinn::io
