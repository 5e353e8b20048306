#pragma once
// The spikes of one rank while it simulates: an append-only binary file beside the output,
// written chunk by chunk (memory does not grow with the run), cut back to a checkpoint on
// restart, and read network by network when the final HDF5 file is assembled. Raw and
// crash-tolerant: whatever a kill leaves after the last checkpoint is cut away on restart.
//
// Each block: n steps (int64), n neurons (uint32), and n counts (uint16) when counts are kept.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "kascade/core/fingerprint.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/io/hdf5_reader.hpp"

namespace kascade {

class SpillFile : public Recorder {
 public:
  struct Block {
    network_id_t network = 0;
    std::uint64_t offset = 0, count = 0;  // bytes from the file's start; events
  };
  struct Position {  // what a checkpoint keeps
    std::uint64_t bytes = 0;
    std::vector<Block> blocks;
    std::uint64_t fingerprint = 0;  // of the first `bytes` bytes: a damaged file is found
  };

  // Creates (or truncates) `path`, or with `resume` opens the existing one for restore();
  // this rank owns networks [first, first + n_local).
  SpillFile(std::string path, network_id_t first, std::uint64_t n_local, bool with_counts,
            bool resume = false);
  ~SpillFile() override;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void record(const std::vector<SpikeEvents>& chunk) override;
  void sync();  // flushed to the disk (fsync): what a checkpoint may rely on
  Position position() const { return {bytes_, blocks_, written_.value()}; }
  // Cut back to a checkpoint's position, after reading what the file holds up to it: a file
  // shorter than that, or whose bytes are not those written, is refused (InputError).
  void restore(const Position& p);

  std::uint64_t events(network_id_t network) const;  // recorded so far for a local network
  const std::vector<Block>& blocks() const { return blocks_; }  // in recorded order
  void append(const Block& block, NetworkSpikes& out);          // reads one block's events
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  network_id_t first_;
  bool with_counts_;
  std::uint64_t bytes_ = 0;
  Fingerprint written_;  // of the bytes_ bytes written
  std::vector<Block> blocks_;
  std::vector<std::uint64_t> events_;  // per local network
};

}  // namespace kascade
