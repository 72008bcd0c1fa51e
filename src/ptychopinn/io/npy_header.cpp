// Parsing and writing the .npy header: magic, version, length and the Python-literal dict
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
// The dict is parsed by a small strict parser of Python literals (strings, ints, True/False/None,
// tuples, lists), never by anything that evaluates code, and every read is bounds-checked.
#include <cstring>
#include <limits>
#include <vector>

#include "ptychopinn/io/npy.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
constexpr int kMaxDepth = 8;

struct Literal {
  enum class Kind { kString, kInt, kBool, kNone, kTuple, kList, kDict };
  Kind kind = Kind::kNone;
  std::string text;            // kString
  std::int64_t integer = 0;    // kInt
  bool int_overflow = false;   // kInt beyond int64
  bool boolean = false;        // kBool
  std::vector<Literal> items;  // kTuple, kList
  std::string source;          // the literal as written, for messages
};

class LiteralParser {
 public:
  LiteralParser(const char* begin, const char* end, const std::string& where)
      : p_(begin), end_(end), where_(where) {}

  // Parses the header dict into (key, value) pairs in file order.
  std::vector<std::pair<std::string, Literal>> parse_dict() {
    skip_space();
    expect('{', "header starts with '{'");
    std::vector<std::pair<std::string, Literal>> out;
    for (;;) {
      skip_space();
      if (peek() == '}') {
        ++p_;
        break;
      }
      Literal key = parse_value(1);
      if (key.kind != Literal::Kind::kString) fail("a header key = " + key.source, "a quoted string");
      skip_space();
      expect(':', "':' after key '" + key.text + "'");
      Literal value = parse_value(1);
      out.emplace_back(key.text, std::move(value));
      skip_space();
      if (peek() == ',') {
        ++p_;
        continue;
      }
      skip_space();
      expect('}', "',' or '}' after the value of '" + out.back().first + "'");
      break;
    }
    skip_space();
    if (p_ != end_) fail("text after the header dict = " + excerpt(), "nothing but padding");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& expected) const {
    throw_io_error(where_, "header " + what + "; expected " + expected);
  }
  std::string excerpt() const {
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(end_ - p_), 24);
    return quoted(std::string(p_, n));
  }
  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  void expect(char c, const std::string& expected) {
    if (peek() != c || p_ >= end_) {
      fail(p_ >= end_ ? std::string("ends early") : "text = " + excerpt(), expected);
    }
    ++p_;
  }

  Literal parse_value(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth), "a flat dict");
    skip_space();
    const char* start = p_;
    Literal v;
    const char c = peek();
    if (p_ >= end_) fail("ends early", "a value");
    if (c == '\'' || c == '"') {
      v.kind = Literal::Kind::kString;
      ++p_;
      while (p_ < end_ && *p_ != c) {
        // NumPy's descr strings never need escapes; a backslash means this is not a dtype string.
        if (*p_ == '\\') fail("string with a backslash escape", "a plain dtype string");
        v.text += *p_++;
      }
      expect(c, "a closing quote");
    } else if (c == '(' || c == '[') {
      v.kind = c == '(' ? Literal::Kind::kTuple : Literal::Kind::kList;
      const char close = c == '(' ? ')' : ']';
      ++p_;
      for (;;) {
        skip_space();
        if (peek() == close && p_ < end_) {
          ++p_;
          break;
        }
        v.items.push_back(parse_value(depth + 1));
        skip_space();
        if (peek() == ',' && p_ < end_) {
          ++p_;
          continue;
        }
        expect(close, std::string("',' or '") + close + "'");
        break;
      }
    } else if (c == '{') {
      fail("nested dict", "a flat dict of descr, fortran_order and shape");
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      v.kind = Literal::Kind::kInt;
      bool negative = false;
      if (c == '-' || c == '+') {
        negative = c == '-';
        ++p_;
      }
      if (!(peek() >= '0' && peek() <= '9') || p_ >= end_) fail("number = " + excerpt(), "digits");
      std::uint64_t magnitude = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        const unsigned digit = static_cast<unsigned>(*p_ - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) v.int_overflow = true;
        magnitude = magnitude * 10 + digit;
        ++p_;
      }
      // Python 2 wrote longs as "3L" in the shape of version 1.0 files; NumPy still reads them.
      if (p_ < end_ && (*p_ == 'L' || *p_ == 'l')) ++p_;
      const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      if (magnitude > max) v.int_overflow = true;
      if (!v.int_overflow) {
        v.integer = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
      }
    } else {
      std::string word;
      while (p_ < end_ && ((*p_ >= 'A' && *p_ <= 'Z') || (*p_ >= 'a' && *p_ <= 'z'))) word += *p_++;
      if (word == "True" || word == "False") {
        v.kind = Literal::Kind::kBool;
        v.boolean = word == "True";
      } else if (word == "None") {
        v.kind = Literal::Kind::kNone;
      } else {
        p_ = start;
        fail("value = " + excerpt(), "a string, number, True, False, None, tuple or list");
      }
    }
    v.source = std::string(start, p_);
    return v;
  }

  const char* p_;
  const char* end_;
  const std::string& where_;
};

struct DescrInfo {
  DType dtype;
  std::size_t itemsize;
  bool big_endian;
  bool pickled_object;
};

// Maps a NumPy descr ("<f4", ">U12", "|b1", "|O") to a DType.
DescrInfo parse_descr(const std::string& descr, const std::string& where) {
  auto unsupported = [&]() -> DescrInfo {
    throw_io_error(where, "header descr = " + quoted(descr) +
                              "; expected a supported dtype: bool (|b1), int8-int64 (i1-i8), "
                              "uint8-uint64 (u1-u8), float32/64 (f4, f8), complex64/128 (c8, c16), "
                              "unicode (U<n>) or a pickled string object (|O)");
  };
  if (descr.size() < 2) unsupported();
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') unsupported();
  const char kind = descr[1];
  const std::string digits = descr.substr(2);
  if (kind == 'O' && digits.empty()) return {DType::kUnicode, 0, false, true};
  if (digits.empty() || digits.size() > 12) unsupported();
  std::uint64_t n = 0;
  for (char d : digits) {
    if (d < '0' || d > '9') unsupported();
    n = n * 10 + static_cast<unsigned>(d - '0');
  }
  const bool big = order == '>';
  auto sized = [&](std::initializer_list<std::pair<std::uint64_t, DType>> table) -> DescrInfo {
    for (const auto& [size, dtype] : table) {
      if (n == size) return {dtype, static_cast<std::size_t>(n), big, false};
    }
    return unsupported();
  };
  switch (kind) {
    case 'b':
      return sized({{1, DType::kBool}});
    case 'i':
      return sized({{1, DType::kInt8}, {2, DType::kInt16}, {4, DType::kInt32}, {8, DType::kInt64}});
    case 'u':
      return sized({{1, DType::kUInt8}, {2, DType::kUInt16}, {4, DType::kUInt32}, {8, DType::kUInt64}});
    case 'f':
      return sized({{4, DType::kFloat32}, {8, DType::kFloat64}});
    case 'c':
      return sized({{8, DType::kComplex64}, {16, DType::kComplex128}});
    case 'U':
      // NumPy never writes U0 for data it can hold; a width this large cannot be a real file either.
      if (n == 0 || n > (std::uint64_t{1} << 40)) unsupported();
      return {DType::kUnicode, static_cast<std::size_t>(n * 4), big, false};
    default:
      return unsupported();
  }
}

std::uint32_t read_le(const unsigned char* p, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

NpyHeader parse_npy_header(const void* bytes, std::size_t size, const std::string& where) {
  const auto* b = static_cast<const unsigned char*>(bytes);
  if (size == 0 || b == nullptr) throw_io_error(where, "is empty (0 bytes); expected an .npy file");
  if (size < kMagicSize || std::memcmp(b, kMagic, kMagicSize) != 0) {
    throw_io_error(
        where,
        "magic = " + quoted(std::string(reinterpret_cast<const char*>(b), std::min<std::size_t>(size, 6))) +
            "; expected '\\x93NUMPY' (an .npy file)");
  }
  if (size < 8) throw_io_error(where, "truncated after the magic (" + std::to_string(size) + " bytes)");
  NpyHeader h;
  h.version_major = b[6];
  h.version_minor = b[7];
  if (h.version_major < 1 || h.version_major > 3 || h.version_minor != 0) {
    throw_io_error(where, "format version = " + std::to_string(h.version_major) + "." +
                              std::to_string(h.version_minor) + "; expected 1.0, 2.0 or 3.0");
  }
  const int len_bytes = h.version_major == 1 ? 2 : 4;
  const std::size_t prefix = 8 + static_cast<std::size_t>(len_bytes);
  if (size < prefix) {
    throw_io_error(where, "truncated in the header length (" + std::to_string(size) + " bytes)");
  }
  const std::size_t header_len = read_le(b + 8, len_bytes);
  if (header_len > size - prefix) {
    throw_io_error(where, "header length = " + std::to_string(header_len) + " bytes; expected at most " +
                              std::to_string(size - prefix) + " (the bytes left in the file)");
  }
  h.data_offset = prefix + header_len;
  // Versions 1 and 2 are latin-1, 3 is UTF-8; the keys and values we accept are ASCII either way.
  const char* text = reinterpret_cast<const char*>(b + prefix);
  LiteralParser parser(text, text + header_len, where);
  const auto dict = parser.parse_dict();

  const Literal* descr = nullptr;
  const Literal* fortran = nullptr;
  const Literal* shape = nullptr;
  for (const auto& [key, value] : dict) {
    const Literal** slot = key == "descr"           ? &descr
                           : key == "fortran_order" ? &fortran
                           : key == "shape"         ? &shape
                                                    : nullptr;
    if (slot == nullptr) {
      throw_io_error(where,
                     "header key = " + quoted(key) + "; expected only 'descr', 'fortran_order' and 'shape'");
    }
    if (*slot != nullptr) throw_io_error(where, "header key " + quoted(key) + " appears twice");
    *slot = &value;
  }
  for (const auto& [name, slot] :
       {std::pair{"descr", descr}, std::pair{"fortran_order", fortran}, std::pair{"shape", shape}}) {
    if (slot == nullptr) throw_io_error(where, std::string("header has no '") + name + "' key");
  }
  if (descr->kind == Literal::Kind::kList) {
    throw_io_error(where, "header descr = " + descr->source +
                              " (a structured dtype); expected a simple dtype such as '<f4'");
  }
  if (descr->kind != Literal::Kind::kString) {
    throw_io_error(where, "header descr = " + descr->source + "; expected a dtype string");
  }
  if (fortran->kind != Literal::Kind::kBool) {
    throw_io_error(where, "header fortran_order = " + fortran->source + "; expected True or False");
  }
  if (shape->kind != Literal::Kind::kTuple) {
    throw_io_error(where, "header shape = " + shape->source + "; expected a tuple of integers");
  }
  for (const Literal& d : shape->items) {
    if (d.kind != Literal::Kind::kInt) {
      throw_io_error(where, "header shape = " + shape->source + "; expected a tuple of integers");
    }
    if (d.int_overflow || d.integer < 0) {
      throw_io_error(
          where, "header shape = " + shape->source + "; expected non-negative dimensions that fit in int64");
    }
    h.shape.push_back(d.integer);
  }
  h.descr = descr->text;
  h.fortran_order = fortran->boolean;
  const DescrInfo info = parse_descr(h.descr, where);
  h.dtype = info.dtype;
  h.itemsize = info.itemsize;
  h.big_endian = info.big_endian;
  h.pickled_object = info.pickled_object;
  std::int64_t numel = 0;
  std::size_t nbytes = 0;
  if (!checked_nbytes(h.shape, h.itemsize, &numel, &nbytes)) {
    throw_io_error(where, "header shape = " + format_shape(h.shape) + " of " + h.descr +
                              "; expected a byte count that fits in memory (the product overflows)");
  }
  return h;
}

std::string encode_npy_header(const NpyArray& array, std::size_t file_offset) {
  std::string dict = "{'descr': '" + array.descr() + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < array.shape().size(); ++i) {
    dict += std::to_string(array.shape()[i]);
    // A 1-tuple needs its trailing comma: (5,) and not (5).
    if (array.shape().size() == 1 || i + 1 < array.shape().size())
      dict += i + 1 < array.shape().size() ? ", " : ",";
  }
  dict += "), }";
  constexpr std::size_t kAlign = 64;
  for (int version = 1; version <= 2; ++version) {
    const std::size_t prefix = version == 1 ? 10 : 12;
    // Pad with spaces and end with '\n' so that the data starts 64-byte aligned in the file.
    const std::size_t unpadded = file_offset + prefix + dict.size() + 1;
    const std::size_t pad = (kAlign - unpadded % kAlign) % kAlign;
    const std::size_t header_len = dict.size() + pad + 1;
    if (version == 1 && header_len > 0xFFFF) continue;
    std::string out(kMagic, kMagicSize);
    out += static_cast<char>(version);
    out += '\0';
    for (std::size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((header_len >> (8 * i)) & 0xFF);
    out += dict;
    out.append(pad, ' ');
    out += '\n';
    return out;
  }
  return "";  // unreachable: a version-2 length holds any dict that fits in memory
}

}  // namespace ptychopinn::io
