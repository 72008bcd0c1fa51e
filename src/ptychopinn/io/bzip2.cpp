#include "ptychopinn/io/bzip2.h"

#include <bzlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "ptychopinn/io/file_format.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {

namespace {

std::vector<unsigned char> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open for reading");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(path + ": read error");
  return bytes;
}

struct DecompressStream {
  bz_stream s{};
  bool open = false;
  DecompressStream() {
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) throw IoError("libbz2: BZ2_bzDecompressInit failed");
    open = true;
  }
  ~DecompressStream() {
    if (open) BZ2_bzDecompressEnd(&s);
  }
  DecompressStream(const DecompressStream&) = delete;
  DecompressStream& operator=(const DecompressStream&) = delete;
};

}  // namespace

std::shared_ptr<const std::vector<unsigned char>> read_bzip2_file(const std::string& path,
                                                                  std::size_t max_bytes) {
  std::vector<unsigned char> in = read_whole_file(path);
  require_file_format(path, in.data(), in.size(), FileFormat::kBzip2);
  auto out = std::make_shared<std::vector<unsigned char>>();
  out->resize(std::max<std::size_t>(in.size() * 8, 1 << 20));
  std::size_t consumed = 0, produced = 0;
  while (consumed < in.size()) {
    // Each loop decompresses one stream; bytes after the last stream must start another one.
    if (consumed > 0 && sniff_file_format(in.data() + consumed, in.size() - consumed) != FileFormat::kBzip2) {
      throw IoError(path + ": " + std::to_string(in.size() - consumed) +
                    " bytes of trailing garbage after the bzip2 data");
    }
    DecompressStream d;
    d.s.next_in = reinterpret_cast<char*>(in.data() + consumed);
    d.s.avail_in = static_cast<unsigned>(std::min<std::size_t>(in.size() - consumed, 1u << 30));
    for (;;) {
      if (produced == out->size()) {
        if (out->size() >= max_bytes) {
          throw IoError(path + ": decompresses to more than " + std::to_string(max_bytes) +
                        " bytes; refusing");
        }
        out->resize(std::min(max_bytes, out->size() * 2));
      }
      d.s.next_out = reinterpret_cast<char*>(out->data() + produced);
      d.s.avail_out = static_cast<unsigned>(std::min<std::size_t>(out->size() - produced, 1u << 30));
      const unsigned before_out = d.s.avail_out;
      const unsigned before_in = d.s.avail_in;
      const int rc = BZ2_bzDecompress(&d.s);
      produced += before_out - d.s.avail_out;
      consumed += before_in - d.s.avail_in;
      if (rc == BZ_STREAM_END) break;
      if (rc != BZ_OK) {
        throw IoError(path + ": corrupt bzip2 data (libbz2 error " + std::to_string(rc) + ") after " +
                      std::to_string(consumed) + " of " + std::to_string(in.size()) + " bytes");
      }
      if (d.s.avail_in == 0 && consumed >= in.size() && d.s.avail_out > 0) {
        throw IoError(path + ": truncated bzip2 file (the stream ends without its end marker after " +
                      std::to_string(in.size()) + " bytes)");
      }
      if (d.s.avail_in == 0 && consumed < in.size()) {
        d.s.next_in = reinterpret_cast<char*>(in.data() + consumed);
        d.s.avail_in = static_cast<unsigned>(std::min<std::size_t>(in.size() - consumed, 1u << 30));
      }
    }
  }
  out->resize(produced);
  out->shrink_to_fit();
  return out;
}

NpzReader open_npz_or_bzip2(const std::string& path) {
  std::ifstream probe(path, std::ios::binary);
  unsigned char head[8] = {};
  probe.read(reinterpret_cast<char*>(head), sizeof head);
  if (!probe.bad() &&
      sniff_file_format(head, static_cast<std::size_t>(probe.gcount())) == FileFormat::kBzip2) {
    auto bytes = read_bzip2_file(path);
    const void* data = bytes->data();
    const std::size_t size = bytes->size();
    return NpzReader(std::shared_ptr<const void>(bytes, data), data, size, path + " (decompressed)");
  }
  return NpzReader(path);
}

}  // namespace ptychopinn::io
