#include "kascade/io/checkpoint.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/durable_files.hpp"
#include "common/write_failure.hpp"
#include "kascade/core/error.hpp"
#include "kascade/core/fault.hpp"
#include "kascade/core/fnv1a.hpp"

namespace kascade {

namespace {

constexpr char kMagic[8] = {'k', 'a', 's', 'c', 'k', 'p', 't', '5'};  // 5: the tuned values
constexpr const char* kStartOver = "; remove it, or pass --fresh to start over";

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    const auto* p = reinterpret_cast<const char*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    const auto* p = reinterpret_cast<const char*>(v.data());
    bytes.insert(bytes.end(), p, p + v.size() * sizeof(T));
  }
  std::vector<char> bytes;
};

class Reader {
 public:
  Reader(std::vector<char> b, std::string path) : bytes_(std::move(b)), path_(std::move(path)) {}
  template <class T>
  void get(T& v) {
    need(sizeof(T));
    std::memcpy(&v, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
  }
  template <class T>
  void get(std::vector<T>& v) {
    std::uint64_t n = 0;
    get(n);
    if (n > (bytes_.size() - at_) / sizeof(T)) truncated();  // n * sizeof(T) may overflow
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), bytes_.data() + at_, n * sizeof(T));  // data() may be null
    at_ += n * sizeof(T);
  }
  bool at_end() const { return at_ == bytes_.size(); }

 private:
  void need(std::uint64_t n) {
    if (n > bytes_.size() - at_) truncated();
  }
  [[noreturn]] void truncated() const {
    throw InputError(path_ + ": checkpoint is truncated or corrupt" + kStartOver);
  }
  std::vector<char> bytes_;
  std::string path_;
  std::size_t at_ = 0;
};

}  // namespace

std::uint64_t deck_hash(const std::string& text) { return fnv1a(text); }

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  Writer w;
  for (char m : kMagic) w.put(m);
  w.put(c.deck_hash), w.put(c.ranks), w.put(c.rank), w.put(c.batch_networks), w.put(c.next_batch);
  w.put(static_cast<std::uint8_t>(c.in_batch));
  w.put(c.state.step), w.put(static_cast<std::uint8_t>(c.state.trace_pending));
  w.put(static_cast<std::uint8_t>(c.state.dense));
  w.put(c.state.spikes), w.put(c.state.drive), w.put(c.state.trace);
  w.put(c.state.clipped), w.put(c.state.non_finite), w.put(c.state.runaway);
  w.put(c.spill.bytes), w.put(c.spill.blocks), w.put(c.spill.fingerprint);
  w.put(c.health.clipped), w.put(c.health.non_finite), w.put(c.health.runaway);
  w.put(static_cast<std::uint64_t>(c.tuned.size()));
  for (const auto& [name, values] : c.tuned)
    w.put(std::vector<char>(name.begin(), name.end())), w.put(values);
  w.put(fnv1a(w.bytes.data(), w.bytes.size()));  // detects corruption (no copy: it may be GBs)

  // (A failure to write it is no fault of the input: std::runtime_error, exit status 1.)
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr)
    throw std::runtime_error(tmp + ": cannot write the checkpoint" + detail::space_note(tmp));
  const std::size_t half = w.bytes.size() / 2, rest = w.bytes.size() - half;
  bool ok = std::fwrite(w.bytes.data(), 1, half, f) == half && std::fflush(f) == 0;
  fault_point("checkpoint");  // testing hook: a kill half-way through the write
  ok = ok && std::fwrite(w.bytes.data() + half, 1, rest, f) == rest && std::fflush(f) == 0 &&
       fsync(fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = detail::space_note(tmp);
    std::remove(tmp.c_str());  // (the last whole checkpoint stays)
    throw std::runtime_error(path + ": cannot write the checkpoint" + why);
  }
  if (!detail::sync_directory_of(path))  // (the rename itself, through a crash of the node)
    throw std::runtime_error(path +
                             ": cannot write the checkpoint (its directory could not be "
                             "synced: an I/O error)");
}

Checkpoint read_checkpoint(const std::string& path, std::uint64_t expected_hash, std::int32_t ranks,
                           std::int32_t rank) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path + ": is a directory where the run keeps its checkpoint; move it away");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read the checkpoint");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() >= sizeof(kMagic) &&
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic) - 1) == 0 &&
      bytes[sizeof(kMagic) - 1] != kMagic[sizeof(kMagic) - 1])
    throw InputError(path + ": a checkpoint of another version of kascade" + kStartOver);
  if (bytes.size() < sizeof(kMagic) + 8 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    throw InputError(path + ": not a kascade checkpoint (truncated or corrupt)" + kStartOver);
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (stored != fnv1a(bytes.data(), bytes.size() - 8))
    throw InputError(path + ": checkpoint is corrupt (checksum mismatch)" + kStartOver);
  bytes.resize(bytes.size() - 8);
  Reader r(std::move(bytes), path);
  Checkpoint c;
  char magic[8];
  for (char& m : magic) r.get(m);
  std::uint8_t flag = 0;
  r.get(c.deck_hash), r.get(c.ranks), r.get(c.rank), r.get(c.batch_networks), r.get(c.next_batch);
  r.get(flag), c.in_batch = flag != 0;
  r.get(c.state.step), r.get(flag), c.state.trace_pending = flag != 0;
  r.get(flag), c.state.dense = flag != 0;
  r.get(c.state.spikes), r.get(c.state.drive), r.get(c.state.trace);
  r.get(c.state.clipped), r.get(c.state.non_finite), r.get(c.state.runaway);
  r.get(c.spill.bytes), r.get(c.spill.blocks), r.get(c.spill.fingerprint);
  r.get(c.health.clipped), r.get(c.health.non_finite), r.get(c.health.runaway);
  std::uint64_t tuned = 0;
  r.get(tuned);
  for (std::uint64_t k = 0; k < tuned; ++k) {  // (each entry at least 16 bytes, or truncated)
    std::vector<char> name;
    r.get(name);
    r.get(c.tuned[std::string(name.begin(), name.end())]);
  }
  // (a name twice, read into one entry: not what was written)
  if (!r.at_end() || c.tuned.size() != tuned)
    throw InputError(path + ": checkpoint is corrupt (trailing bytes)" + kStartOver);
  if (c.deck_hash != expected_hash)
    throw InputError(
        path +
        ": checkpoint was written for another deck (its values, its --set options, the "
        "values it reads from files or its network or stimulus files differ) or by another "
        "build of kascade; remove it, or pass --fresh to start over");
  if (c.ranks != ranks || c.rank != rank)
    throw InputError(path + ": checkpoint was written by rank " + std::to_string(c.rank) + " of " +
                     std::to_string(c.ranks) + "; resume with " + count_text(c.ranks, "rank") +
                     ", or pass --fresh to start over");
  return c;
}

std::optional<std::uint64_t> checkpoint_run_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[sizeof(kMagic) + sizeof(std::uint64_t)] = {};
  if (!in.read(head, sizeof head) || std::memcmp(head, kMagic, sizeof(kMagic)) != 0)
    return std::nullopt;
  std::uint64_t hash = 0;
  std::memcpy(&hash, head + sizeof(kMagic), sizeof hash);
  return hash;
}

bool looks_like_checkpoint(const std::string& path, const bool cut_short) {
  std::ifstream in(path, std::ios::binary);
  char head[7] = {};
  in.read(head, sizeof head);
  const auto n = static_cast<std::size_t>(in.gcount());
  return (n == sizeof head || (cut_short && in.eof())) && std::memcmp(head, kMagic, n) == 0;
}

}  // namespace kascade
