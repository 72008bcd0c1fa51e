// The minimal unpickler: a symbolic interpreter over a whitelist of opcodes. It builds a small tree
// of nodes (never Python objects, never calls), then checks the tree has the one shape NumPy gives
// a pickled 0-d object array holding a string.
#include "ptychopinn/io/pickle_string.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "ptychopinn/io/utf.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

struct Node {
  enum class Kind { kNone, kBool, kInt, kStr, kBytes, kTuple, kList, kGlobal, kReduce, kBuild };
  Kind kind = Kind::kNone;
  std::string text;          // kStr, kBytes; kGlobal: "module.name"
  std::int64_t integer = 0;  // kInt, kBool
  std::vector<int> items;    // kTuple, kList; kReduce: {callable, args}; kBuild: {object, state}
};

class Unpickler {
 public:
  Unpickler(const unsigned char* bytes, std::size_t size, const std::string& where)
      : b_(bytes), size_(size), where_(where) {}

  std::string run() {
    for (;;) {
      const std::size_t at = pos_;
      const unsigned char op = take(1)[0];
      switch (op) {
        case 0x80: {  // PROTO
          const unsigned version = take(1)[0];
          if (version < 2 || version > 5) {
            fail("protocol = " + std::to_string(version) + "; expected 2 to 5");
          }
          break;
        }
        case 0x95:  // FRAME: a length hint only
          take(8);
          break;
        case '.':  // STOP
          return result(pop());
        case '(':  // MARK
          marks_.push_back(stack_.size());
          break;
        case 'N':
          push(make(Node::Kind::kNone));
          break;
        case 0x88:    // NEWTRUE
        case 0x89: {  // NEWFALSE
          const int n = make(Node::Kind::kBool);
          nodes_[n].integer = op == 0x88;
          push(n);
          break;
        }
        case 'K':
          push_int(le(take(1), 1));
          break;
        case 'M':
          push_int(le(take(2), 2));
          break;
        case 'J':
          push_int(static_cast<std::int32_t>(le(take(4), 4)));
          break;
        case 0x8a: {  // LONG1: little-endian two's complement of n bytes
          const std::size_t n = take(1)[0];
          if (n > 8) fail("LONG1 integer of " + std::to_string(n) + " bytes; expected at most 8");
          const unsigned char* p = take(n);
          std::uint64_t v = n == 0 ? 0 : le(p, n);
          if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);
          push_int(static_cast<std::int64_t>(v));
          break;
        }
        case 'X':  // BINUNICODE
          push_text(Node::Kind::kStr, le(take(4), 4));
          break;
        case 0x8c:  // SHORT_BINUNICODE
          push_text(Node::Kind::kStr, take(1)[0]);
          break;
        case 0x8d:  // BINUNICODE8
          push_text(Node::Kind::kStr, le(take(8), 8));
          break;
        case 'C':  // SHORT_BINBYTES
        case 'U':  // SHORT_BINSTRING (Python 2 str)
          push_text(Node::Kind::kBytes, take(1)[0]);
          break;
        case 'B':  // BINBYTES
        case 'T':  // BINSTRING (Python 2 str)
          push_text(Node::Kind::kBytes, le(take(4), 4));
          break;
        case 0x8e:  // BINBYTES8
          push_text(Node::Kind::kBytes, le(take(8), 8));
          break;
        case ')':
          push(make(Node::Kind::kTuple));
          break;
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const std::size_t n = static_cast<std::size_t>(op - 0x84);
          if (stack_.size() < n + floor()) fail_underflow(at);
          push_collection(Node::Kind::kTuple, stack_.size() - n);
          break;
        }
        case 't':
          push_collection(Node::Kind::kTuple, pop_mark(at));
          break;
        case ']':
          push(make(Node::Kind::kList));
          break;
        case 'l':
          push_collection(Node::Kind::kList, pop_mark(at));
          break;
        case 'a': {  // APPEND
          const int item = pop();
          nodes_[list_on_top(at)].items.push_back(item);
          break;
        }
        case 'e': {  // APPENDS
          const std::size_t start = pop_mark(at);
          std::vector<int> items(stack_.begin() + static_cast<std::ptrdiff_t>(start), stack_.end());
          stack_.resize(start);
          auto& list = nodes_[list_on_top(at)].items;
          list.insert(list.end(), items.begin(), items.end());
          break;
        }
        case 'c': {  // GLOBAL "module\nname\n"
          const std::string module = line();
          const std::string name = line();
          push_global(module, name);
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          const int name = pop();
          const int module = pop();
          if (nodes_[name].kind != Node::Kind::kStr || nodes_[module].kind != Node::Kind::kStr) {
            fail("STACK_GLOBAL operands are not strings");
          }
          push_global(nodes_[module].text, nodes_[name].text);
          break;
        }
        case 'R':    // REDUCE: recorded, never called
        case 'b': {  // BUILD: recorded, never applied
          const int second = pop();
          const int first = pop();
          const int n = make(op == 'R' ? Node::Kind::kReduce : Node::Kind::kBuild);
          nodes_[n].items = {first, second};
          push(n);
          break;
        }
        case 'q':
          memo_put(le(take(1), 1));
          break;
        case 'r':
          memo_put(le(take(4), 4));
          break;
        case 0x94:  // MEMOIZE
          memo_put(memo_.size());
          break;
        case 'h':
          memo_get(le(take(1), 1), at);
          break;
        case 'j':
          memo_get(le(take(4), 4), at);
          break;
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail("opcode = " + std::string(hex) + " at byte " + std::to_string(at) +
               "; expected only the opcodes of a pickled numpy string (not executed)");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw_io_error(where_, "object array pickle: " + what +
                               " (only a 0-d object array holding a str is read; nothing is run)");
  }
  [[noreturn]] void fail_underflow(std::size_t at) const {
    fail("stack underflow at byte " + std::to_string(at));
  }

  const unsigned char* take(std::size_t n) {
    if (n > size_ - pos_) fail("truncated at byte " + std::to_string(pos_));
    const unsigned char* p = b_ + pos_;
    pos_ += n;
    return p;
  }
  static std::uint64_t le(const unsigned char* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  std::string line() {
    std::string s;
    for (;;) {
      const char c = static_cast<char>(take(1)[0]);
      if (c == '\n') return s;
      if (s.size() > 256) fail("GLOBAL name longer than 256 bytes");
      s += c;
    }
  }

  int make(Node::Kind kind) {
    nodes_.push_back(Node{});
    nodes_.back().kind = kind;
    return static_cast<int>(nodes_.size() - 1);
  }
  // Items below the innermost MARK belong to an outer collection and must not be popped.
  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(int n) { stack_.push_back(n); }
  int pop() {
    if (stack_.size() <= floor()) fail_underflow(pos_);
    const int n = stack_.back();
    stack_.pop_back();
    return n;
  }
  std::size_t pop_mark(std::size_t at) {
    if (marks_.empty()) fail("no MARK before the opcode at byte " + std::to_string(at));
    const std::size_t start = marks_.back();
    marks_.pop_back();
    return start;
  }
  void push_int(std::int64_t v) {
    const int n = make(Node::Kind::kInt);
    nodes_[n].integer = v;
    push(n);
  }
  void push_text(Node::Kind kind, std::uint64_t length) {
    if (length > size_ - pos_) fail("string of " + std::to_string(length) + " bytes runs past the end");
    const int n = make(kind);
    nodes_[n].text.assign(reinterpret_cast<const char*>(take(static_cast<std::size_t>(length))),
                          static_cast<std::size_t>(length));
    push(n);
  }
  void push_collection(Node::Kind kind, std::size_t start) {
    const int n = make(kind);
    nodes_[n].items.assign(stack_.begin() + static_cast<std::ptrdiff_t>(start), stack_.end());
    stack_.resize(start);
    push(n);
  }
  int list_on_top(std::size_t at) {
    if (stack_.size() <= floor()) fail_underflow(at);
    const int n = stack_.back();
    if (nodes_[n].kind != Node::Kind::kList) fail("APPEND to something other than a list");
    return n;
  }
  void push_global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    static const char* const kAllowed[] = {"numpy.core.multiarray._reconstruct",
                                           "numpy._core.multiarray._reconstruct", "numpy.ndarray",
                                           "numpy.dtype", "_codecs.encode"};
    for (const char* allowed : kAllowed) {
      if (full == allowed) {
        const int n = make(Node::Kind::kGlobal);
        nodes_[n].text = full;
        push(n);
        return;
      }
    }
    fail("global = " + quoted(full) + "; expected only numpy's array reconstruction");
  }
  void memo_put(std::uint64_t index) {
    if (stack_.size() <= floor()) fail("memo store with an empty stack");
    memo_[index] = stack_.back();
  }
  void memo_get(std::uint64_t index, std::size_t at) {
    const auto it = memo_.find(index);
    if (it == memo_.end())
      fail("memo get of unset slot " + std::to_string(index) + " at byte " + std::to_string(at));
    push(it->second);
  }

  // Structural checks of the final tree.
  const Node& node(int n) const { return nodes_[static_cast<std::size_t>(n)]; }
  bool is_global(int n, const char* name) const {
    return node(n).kind == Node::Kind::kGlobal && node(n).text == name;
  }
  bool is_reconstruct(int n) const {
    return is_global(n, "numpy.core.multiarray._reconstruct") ||
           is_global(n, "numpy._core.multiarray._reconstruct");
  }
  bool is_tuple(int n, std::size_t size) const {
    return node(n).kind == Node::Kind::kTuple && node(n).items.size() == size;
  }
  // The ndarray's third constructor argument: b'b', or _codecs.encode('b', 'latin1') in protocol 2.
  bool is_bytes_like(int n) const {
    if (node(n).kind == Node::Kind::kBytes) return true;
    return node(n).kind == Node::Kind::kReduce && is_global(node(n).items[0], "_codecs.encode");
  }
  // numpy.dtype('O8', False, True), optionally with its BUILD state.
  bool is_object_dtype(int n) const {
    if (node(n).kind == Node::Kind::kBuild) n = node(n).items[0];
    if (node(n).kind != Node::Kind::kReduce || !is_global(node(n).items[0], "numpy.dtype")) return false;
    const int args = node(n).items[1];
    return is_tuple(args, 3) && node(node(args).items[0]).kind == Node::Kind::kStr &&
           node(node(args).items[0]).text == "O8";
  }

  std::string result(int top) const {
    if (node(top).kind != Node::Kind::kBuild) fail("result is not a built ndarray");
    const int reduce = node(top).items[0];
    const int state = node(top).items[1];
    if (node(reduce).kind != Node::Kind::kReduce || !is_reconstruct(node(reduce).items[0])) {
      fail("result is not made by numpy.core.multiarray._reconstruct");
    }
    const int args = node(reduce).items[1];
    if (!is_tuple(args, 3) || !is_global(node(args).items[0], "numpy.ndarray") ||
        !is_bytes_like(node(args).items[2])) {
      fail("_reconstruct arguments are not (numpy.ndarray, (0,), b'b')");
    }
    // state = (version, shape, dtype, is_fortran, data)
    if (!is_tuple(state, 5)) fail("ndarray state is not a 5-tuple");
    const auto& s = node(state).items;
    if (node(s[1]).kind != Node::Kind::kTuple) fail("ndarray shape is not a tuple");
    if (!node(s[1]).items.empty()) {
      fail("array shape has " + std::to_string(node(s[1]).items.size()) +
           " dimensions; expected a 0-d array");
    }
    if (!is_object_dtype(s[2])) fail("array dtype is not object ('O8')");
    if (node(s[4]).kind != Node::Kind::kList || node(s[4]).items.size() != 1) {
      fail("array data is not a list of one object");
    }
    const Node& value = node(node(s[4]).items[0]);
    if (value.kind != Node::Kind::kStr && value.kind != Node::Kind::kBytes) {
      fail("the array's element is not a string");
    }
    // A NumPy unicode array cannot hold NUL characters (it strips them), so neither can our result.
    if (value.text.find('\0') != std::string::npos) {
      fail("the array's string contains a NUL character; expected text without NULs");
    }
    try {
      // Python writes str as UTF-8; a Python 2 byte string is taken as UTF-8 too (JSON is).
      utf8_to_utf32(value.text, where_);
    } catch (const std::invalid_argument&) {
      fail("the array's string is not valid UTF-8");
    }
    return value.text;
  }

  const unsigned char* b_;
  std::size_t size_;
  std::size_t pos_ = 0;
  const std::string& where_;
  std::vector<Node> nodes_;
  std::vector<int> stack_;
  std::vector<std::size_t> marks_;
  std::map<std::uint64_t, int> memo_;
};

}  // namespace

std::string unpickle_numpy_object_string(const void* bytes, std::size_t size, const std::string& where) {
  if (bytes == nullptr || size == 0) throw_io_error(where, "object array pickle is empty");
  return Unpickler(static_cast<const unsigned char*>(bytes), size, where).run();
}

}  // namespace ptychopinn::io
