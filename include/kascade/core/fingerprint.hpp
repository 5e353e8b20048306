#pragma once
// A 64-bit fingerprint of a stream of bytes, fed in pieces of any size (the same bytes give the
// same value however they are cut), eight bytes per multiply: what a checkpoint keeps of the
// spike spill file and of the input files a run reads, to find them changed or damaged on a
// resume. Any one changed 8-byte word changes it (every step is a bijection of the state); not a
// cryptographic hash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace kascade {

class Fingerprint {
 public:
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    length_ += n;
    while (n > 0 && pending_ > 0) {  // complete the word begun by an earlier piece
      word_bytes_[pending_++] = *p++, --n;
      if (pending_ == 8) mix(take_pending());
    }
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      mix(w);
    }
    for (; n > 0; --n) word_bytes_[pending_++] = *p++;
  }
  // Adds up to `most` bytes read from `in` (from where it stands); returns how many it read,
  // fewer at the file's end or on an error (std::ferror tells).
  std::uint64_t add_file(std::FILE* in, std::uint64_t most = ~std::uint64_t(0)) {
    std::vector<char> buffer(std::size_t(1) << 20);
    std::uint64_t read = 0;
    for (std::size_t n; read < most; read += n) {
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(most - read, buffer.size()));
      if ((n = std::fread(buffer.data(), 1, want, in)) == 0) break;
      add(buffer.data(), n);
    }
    return read;
  }
  std::uint64_t value() const {
    Fingerprint f = *this;
    if (f.pending_ > 0) {
      std::memset(f.word_bytes_ + f.pending_, 0, 8 - f.pending_);
      f.mix(f.take_pending());
    }
    f.mix(length_);
    return f.h_;
  }

 private:
  void mix(std::uint64_t w) {
    const std::uint64_t x = (h_ ^ w) * 1099511628211ull;
    h_ = x << 31 | x >> 33;
  }
  std::uint64_t take_pending() {
    std::uint64_t w;
    std::memcpy(&w, word_bytes_, 8);
    pending_ = 0;
    return w;
  }

  std::uint64_t h_ = 14695981039346656037ull, length_ = 0;
  unsigned char word_bytes_[8] = {};
  int pending_ = 0;
};

}  // namespace kascade
