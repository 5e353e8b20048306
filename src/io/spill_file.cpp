#include "kascade/io/spill_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kascade/core/error.hpp"

namespace kascade {

namespace {

void check_io(bool ok, const std::string& path, const char* what) {
  if (!ok) throw std::runtime_error(path + ": cannot " + what + " (" + std::strerror(errno) + ")");
}

}  // namespace

SpillFile::SpillFile(std::string path, network_id_t first, std::uint64_t n_local, bool with_counts,
                     bool resume)
    : path_(std::move(path)), first_(first), with_counts_(with_counts), events_(n_local, 0) {
  file_ = std::fopen(path_.c_str(), resume ? "r+b" : "w+b");
  const int error = errno;  // (before the message's strings allocate)
  if (file_ == nullptr && resume && error == ENOENT)
    throw InputError(path_ + ": the spike spill file of the checkpoint is missing");
  if (file_ == nullptr)  // (e.g. made read-only: the spikes it holds are not lost, say why)
    throw InputError(path_ +
                     (resume ? ": cannot open the spike spill file of the checkpoint ("
                             : ": cannot create the spike spill file (") +
                     std::strerror(error) + ")");
}

SpillFile::~SpillFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void SpillFile::record(const std::vector<SpikeEvents>& chunk) {
  for (const SpikeEvents& ev : chunk) {
    const std::uint64_t n = ev.steps.size();
    if (n == 0) continue;
    // (a seek that fails is a write that cannot be made: said as such)
    check_io(std::fseek(file_, static_cast<long>(bytes_), SEEK_SET) == 0, path_, "write");
    const auto write = [&](const void* data, std::size_t size) {
      check_io(std::fwrite(data, size, n, file_) == n, path_, "write");
      written_.add(data, size * n);
    };
    write(ev.steps.data(), sizeof(step_t));
    write(ev.neurons.data(), sizeof(std::uint32_t));
    if (with_counts_) write(ev.counts.data(), sizeof(spike_count_t));
    blocks_.push_back({ev.network, bytes_, n});
    bytes_ +=
        n * (sizeof(step_t) + sizeof(std::uint32_t) + (with_counts_ ? sizeof(spike_count_t) : 0));
    events_.at(ev.network - first_) += n;
  }
}

void SpillFile::sync() {
  check_io(std::fflush(file_) == 0, path_, "flush");
  check_io(fsync(fileno(file_)) == 0, path_, "sync");
}

void SpillFile::restore(const Position& p) {
  check_io(std::fflush(file_) == 0, path_, "flush");
  // The file was reopened by the restarted run: it must hold at least what the checkpoint saw.
  check_io(std::fseek(file_, 0, SEEK_END) == 0, path_, "seek");
  const long size = std::ftell(file_);
  check_io(size >= 0, path_, "read");
  require(static_cast<std::uint64_t>(size) >= p.bytes,
          path_ +
              ": shorter than its checkpoint says (the spill file was lost or replaced); pass "
              "--fresh to start over");
  Fingerprint read;
  check_io(std::fseek(file_, 0, SEEK_SET) == 0, path_, "seek");
  check_io(read.add_file(file_, p.bytes) == p.bytes, path_, "read");
  require(read.value() == p.fingerprint,
          path_ +
              ": does not hold the spikes its checkpoint wrote (damaged or replaced); pass "
              "--fresh to start over");
  written_ = read;
  check_io(ftruncate(fileno(file_), static_cast<off_t>(p.bytes)) == 0, path_, "truncate");
  bytes_ = p.bytes;
  blocks_ = p.blocks;
  std::fill(events_.begin(), events_.end(), 0);
  for (const Block& b : blocks_) events_.at(b.network - first_) += b.count;
}

std::uint64_t SpillFile::events(network_id_t network) const { return events_.at(network - first_); }

void SpillFile::append(const Block& b, NetworkSpikes& out) {
  check_io(std::fflush(file_) == 0, path_, "flush");
  const std::size_t at = out.steps.size();
  out.steps.resize(at + b.count);
  out.neurons.resize(at + b.count);
  check_io(std::fseek(file_, static_cast<long>(b.offset), SEEK_SET) == 0, path_, "seek");
  check_io(std::fread(out.steps.data() + at, sizeof(step_t), b.count, file_) == b.count, path_,
           "read");
  check_io(std::fread(out.neurons.data() + at, sizeof(std::uint32_t), b.count, file_) == b.count,
           path_, "read");
  if (with_counts_) {
    out.counts.resize(at + b.count);
    check_io(std::fread(out.counts.data() + at, sizeof(spike_count_t), b.count, file_) == b.count,
             path_, "read");
  }
}

}  // namespace kascade
