// Dense .npy matrices (NumPy format versions 1.0, 2.0 and 3.0) and directories of them.
// The matrix is streamed row by row, so memory grows with the synapses, not with N².
#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/network/loaders.hpp"

namespace kascade {

namespace fs = std::filesystem;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw InputError(file + ": " + what);
}

// A Python literal as numpy writes it in the header: a dict of strings, booleans, integers and
// tuples (structured dtypes add lists and nested tuples, which are parsed only to be rejected).
struct Literal {
  enum Kind { string, boolean, integer, sequence, dict, none } kind = none;
  std::string text;
  long long number = 0;
  std::vector<Literal> items;                            // sequence
  std::vector<std::pair<std::string, Literal>> entries;  // dict
};

class LiteralParser {
 public:
  LiteralParser(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  Literal parse_all() {
    Literal v = value();
    skip_space();
    if (pos_ != s_.size()) malformed();
    return v;
  }

 private:
  [[noreturn]] void malformed() { fail(file_, "malformed .npy header '" + s_ + "'"); }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool take(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool at(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool take_word(const char* w) {
    skip_space();
    const std::size_t n = std::strlen(w);
    if (s_.compare(pos_, n, w) != 0) return false;
    pos_ += n;
    return true;
  }

  Literal value(int depth = 0) {
    if (depth > 16) malformed();  // numpy headers nest three levels at most
    skip_space();
    if (pos_ >= s_.size()) malformed();
    Literal v;
    const char c = s_[pos_];
    if (c == '\'' || c == '"') {
      v.kind = Literal::string;
      const std::size_t end = s_.find(c, pos_ + 1);
      if (end == std::string::npos) malformed();
      v.text = s_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
    } else if (c == '(' || c == '[') {
      v.kind = Literal::sequence;
      ++pos_;
      const char close = c == '(' ? ')' : ']';
      while (!take(close)) {
        v.items.push_back(value(depth + 1));
        if (!take(',') && !at(close)) malformed();
      }
    } else if (c == '{') {
      v.kind = Literal::dict;
      ++pos_;
      while (!take('}')) {
        Literal key = value(depth + 1);
        if (key.kind != Literal::string || !take(':')) malformed();
        v.entries.emplace_back(key.text, value(depth + 1));
        if (!take(',') && !at('}')) malformed();
      }
    } else if (take_word("True")) {
      v.kind = Literal::boolean;
      v.number = 1;
    } else if (take_word("False")) {
      v.kind = Literal::boolean;
    } else if (take_word("None")) {
      v.kind = Literal::none;
    } else if (c == '-' || is_digit(c)) {
      v.kind = Literal::integer;
      std::size_t used = 0;
      try {
        v.number = std::stoll(s_.substr(pos_), &used);
      } catch (const std::exception&) {
        malformed();
      }
      pos_ += used;
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 long
    } else {
      malformed();
    }
    return v;
  }

  const std::string& s_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

std::string shape_text(const std::vector<long long>& shape) {
  std::string t = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) t += (k ? ", " : "") + std::to_string(shape[k]);
  return t + (shape.size() == 1 ? ",)" : ")");
}

struct Dtype {
  char kind;  // 'f', 'i', 'u' or 'b'
  int size;   // bytes
};

// Accepts the little-endian numeric dtypes; says why anything else is refused.
Dtype parse_dtype(const std::string& file, const std::string& d) {
  const char order = d.empty() ? '?' : d[0];
  const char kind = d.size() > 1 ? d[1] : '?';
  int size = 0;
  if (d.size() > 2 && d.size() <= 5 && std::all_of(d.begin() + 2, d.end(), is_digit))
    size = std::stoi(d.substr(2));  // at most 3 digits: std::stoi would throw out_of_range
  const std::string quoted = "'" + d + "'";
  if (kind == 'c') fail(file, "complex dtype " + quoted + " is not supported; weights are real");
  if (kind == 'O') fail(file, "object arrays are not supported; save a numeric array");
  if (kind == 'U' || kind == 'S' || kind == 'a')
    fail(file, "string dtype " + quoted + " is not supported; save a numeric array");
  if (order == '>' && size > 1)
    fail(file, "big-endian dtype " + quoted + " is not supported; save with arr.astype('<" +
                   d.substr(1) + "')");
  const bool numeric =
      (kind == 'f' && (size == 4 || size == 8)) ||
      ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
      (kind == 'b' && size == 1);
  // (one byte has no order: '>i1' and '<i1' are '|i1')
  const bool little = order == '<' || (size == 1 && (order == '|' || order == '>'));
  if (!numeric || !little)
    fail(file,
         "dtype " + quoted + " is not supported (use float32, float64, an integer type or bool)");
  return {kind, size};
}

double element(const unsigned char* p, Dtype t) {
  switch (t.kind) {
    case 'f': {
      if (t.size == 4) {
        float v;
        std::memcpy(&v, p, 4);
        return v;
      }
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
    case 'b':
      return *p != 0 ? 1.0 : 0.0;
    case 'u': {
      std::uint64_t v = 0;
      std::memcpy(&v, p, t.size);  // little-endian host: low bytes first
      return static_cast<double>(v);
    }
    default: {
      std::int64_t v = 0;
      std::memcpy(&v, p, t.size);
      const int unused = 64 - 8 * t.size;  // sign-extend from the stored width
      if (unused > 0)
        v = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << unused) >> unused;
      return static_cast<double>(v);
    }
  }
}

constexpr std::uint64_t kMaxHeader = 1 << 16;

struct Header {
  Dtype dtype;
  ordinal_t n;                // square matrix side
  std::uint64_t data_offset;  // bytes before the data
};

Header read_header(std::ifstream& in, const std::string& file) {
  char magic[8] = {};
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    fail(file, "not a .npy file (bad magic string)");
  const int major = static_cast<unsigned char>(magic[6]),
            minor = static_cast<unsigned char>(magic[7]);
  if (major < 1 || major > 3 || minor != 0)
    fail(file,
         "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor));
  unsigned char len_bytes[4] = {};
  const int len_size = major == 1 ? 2 : 4;
  in.read(reinterpret_cast<char*>(len_bytes), len_size);
  std::uint64_t header_len = 0;
  for (int k = len_size - 1; k >= 0; --k) header_len = header_len << 8 | len_bytes[k];
  // numpy itself refuses headers over 10 000 bytes; this bound keeps a corrupt length from
  // allocating gigabytes and the parser's recursion shallow.
  if (header_len > kMaxHeader)
    fail(file, "the .npy header claims " + std::to_string(header_len) + " bytes (at most " +
                   std::to_string(kMaxHeader) + " are accepted)");
  std::string text(header_len, '\0');
  in.read(text.data(), static_cast<std::streamsize>(header_len));
  if (!in) fail(file, "truncated .npy header");
  // Padding and the final newline would break the one-line message that quotes the header.
  text.erase(text.find_last_not_of(" \t\n\r") + 1);

  const Literal dict = LiteralParser(text, file).parse_all();
  if (dict.kind != Literal::dict) fail(file, "malformed .npy header '" + text + "'");
  const Literal* descr = nullptr;
  const Literal* fortran = nullptr;
  const Literal* shape = nullptr;
  for (const auto& [key, v] : dict.entries) {
    if (key == "descr") descr = &v;
    if (key == "fortran_order") fortran = &v;
    if (key == "shape") shape = &v;
  }
  if (!descr || !fortran || !shape || fortran->kind != Literal::boolean ||
      shape->kind != Literal::sequence)
    fail(file, "malformed .npy header '" + text + "' (needs descr, fortran_order and shape)");
  if (descr->kind != Literal::string)
    fail(file, "structured dtypes are not supported; save a plain numeric matrix");
  const Dtype dtype = parse_dtype(file, descr->text);
  if (fortran->number)
    fail(file, "fortran_order arrays are not supported; save with np.ascontiguousarray");
  std::vector<long long> dims;
  for (const Literal& d : shape->items) {
    if (d.kind != Literal::integer || d.number < 0)
      fail(file, "malformed shape in the .npy header");
    dims.push_back(d.number);
  }
  if (dims.size() != 2) fail(file, "expected a 2-D square matrix, found shape " + shape_text(dims));
  if (dims[0] != dims[1]) fail(file, "expected a square matrix, found shape " + shape_text(dims));
  if (dims[0] == 0) fail(file, "empty matrix (shape (0, 0)): a network needs at least one neuron");
  if (dims[0] > kMostNeurons)
    fail(file,
         std::to_string(dims[0]) + " neurons exceed the supported " + std::to_string(kMostNeurons));
  return {dtype, static_cast<ordinal_t>(dims[0]),
          8 + static_cast<std::uint64_t>(len_size) + header_len};
}

// Sort key: (has a number, the last digit run without leading zeros, the file name).
struct NameKey {
  bool has_number;
  std::string digits;
  std::string name;
  bool operator<(const NameKey& o) const {
    if (has_number != o.has_number) return has_number;
    if (digits.size() != o.digits.size()) return digits.size() < o.digits.size();
    if (digits != o.digits) return digits < o.digits;
    return name < o.name;
  }
};

NameKey name_key(const fs::path& p) {
  const std::string stem = p.stem().string();
  auto last = std::find_if(stem.rbegin(), stem.rend(), is_digit);
  if (last == stem.rend()) return {false, "", p.filename().string()};
  auto first = std::find_if_not(last, stem.rend(), is_digit);
  std::string digits(first.base(), last.base());
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  return {true, digits, p.filename().string()};
}

}  // namespace

Network load_npy(const std::string& file, const LoadLimits& limits) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, fs::exists(file) ? "cannot open" : "no such file");
  const Header h = read_header(in, file);

  const std::uint64_t size = fs::file_size(file);
  const std::uint64_t available = size - std::min(size, h.data_offset);
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(h.n) * h.dtype.size;
  // Saturates for absurd shapes (N * N * size beyond 2^64), which then read as truncated.
  const std::uint64_t expected = row_bytes > UINT64_MAX / static_cast<std::uint64_t>(h.n)
                                     ? UINT64_MAX
                                     : row_bytes * static_cast<std::uint64_t>(h.n);
  if (available < expected)
    fail(file, "truncated: the header promises " + std::to_string(expected) +
                   " bytes of data but the file holds " + std::to_string(available));
  if (available > expected)
    fail(file, std::to_string(available - expected) +
                   " bytes follow the matrix data (the header's shape or dtype is wrong)");

  if (h.n > limits.neurons)
    fail(file, "a network of " + std::to_string(h.n) +
                   " neurons, more than simulation.memory_budget_gib allows");

  std::vector<ordinal_t> source, target;
  std::vector<real_t> weight;
  std::vector<unsigned char> row(row_bytes);
  for (ordinal_t j = 0; j < h.n; ++j) {
    if (!in.read(reinterpret_cast<char*>(row.data()), static_cast<std::streamsize>(row_bytes)))
      fail(file, "read error in row " + std::to_string(j));
    for (ordinal_t i = 0; i < h.n; ++i) {
      // The file's value decides what is a synapse: a float64 too small for float32 stays one.
      const double v = element(row.data() + std::size_t(i) * h.dtype.size, h.dtype);
      if (v == 0) continue;
      const auto w = static_cast<real_t>(v);
      if (!std::isfinite(w))
        fail(file, "entry [" + std::to_string(j) + ", " + std::to_string(i) +
                       "] is not a finite float32 number");
      if (source.size() == limits.synapses)
        fail(file, "holds more synapses than simulation.memory_budget_gib allows (" +
                       std::to_string(limits.synapses) + ")");
      source.push_back(j);  // row = presynaptic
      target.push_back(i);
      weight.push_back(w);
    }
  }
  return Network::from_edges(h.n, source, target, weight);
}

std::vector<std::string> list_npy_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail(dir, fs::exists(dir, ec) ? "not a directory" : "no such directory");
  std::vector<std::pair<NameKey, std::string>> found;  // directory_iterator(ec): ends on error
  std::vector<fs::path> pt;                            // PyTorch files: not read
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string ext = entry.path().extension().string();
    if (ext == ".npy") found.emplace_back(name_key(entry.path()), entry.path().string());
    if (ext == ".pt") pt.push_back(entry.path());
  }
  constexpr const char* convert = "save each matrix with np.save(path, tensor.numpy())";
  if (found.empty())
    fail(dir, pt.empty()
                  ? "no .npy files in the directory"
                  : std::string("no .npy files (PyTorch .pt files are not read; ") + convert + ")");
  // A .pt network without its .npy beside it would silently be left out of the dataset.
  std::sort(pt.begin(), pt.end());
  for (const fs::path& p : pt) {
    fs::path twin = p;
    if (!fs::is_regular_file(twin.replace_extension(".npy"), ec))
      fail(dir, "holds " + p.filename().string() + " but no " + twin.filename().string() +
                    " (PyTorch .pt files are not read: " + convert +
                    ", or move the .pt files out)");
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (auto& f : found) paths.push_back(std::move(f.second));
  return paths;
}

std::vector<Network> load_npy_directory(const std::string& dir) {
  std::vector<Network> nets;
  for (const std::string& file : list_npy_directory(dir)) nets.push_back(load_npy(file));
  return nets;
}

}  // namespace kascade
