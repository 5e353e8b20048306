#pragma once
// Per-rank checkpoints of a run, so that a killed job resumes and ends with the same file as an
// uninterrupted one. Written as <file>.tmp, synced, then renamed: a checkpoint on disk is always
// whole. It is tied to the deck (a hash of its text with overrides) and to the rank count; any
// other deck or rank count is refused with a message naming the file.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/io/spill_file.hpp"

namespace kascade {

struct Checkpoint {
  std::uint64_t deck_hash = 0;
  std::int32_t ranks = 0, rank = 0;
  // The rank's networks per batch, in order: a resume keeps them (with simulation.batch_size = 0
  // they depend on the thread count, which a requeued job may change).
  std::vector<std::uint64_t> batch_networks;
  std::uint64_t next_batch = 0;  // batches before it are complete
  bool in_batch = false;         // `state` continues batch `next_batch`
  EngineState state;
  SpillFile::Position spill;
  NetworkHealth health;  // of the completed batches' networks, in order
  // The run's tuning of the rank's networks: each tuned parameter's values and the /tuning
  // datasets, per local network (empty: the run tunes nothing). A resume applies them instead
  // of tuning again.
  std::map<std::string, std::vector<double>> tuned;
};

std::uint64_t deck_hash(const std::string& deck_text);  // FNV-1a, 64 bit

// Whether `path` begins like a kascade checkpoint (of any version): what a cleanup may remove.
// `cut_short`: also a file that ends within that beginning (a write stopped before it was done).
bool looks_like_checkpoint(const std::string& path, bool cut_short = false);

// The hash of the run that wrote the checkpoint at `path` (of this version of kascade), read
// from its first bytes alone; none where it is not such a checkpoint or cannot be read.
std::optional<std::uint64_t> checkpoint_run_hash(const std::string& path);

void write_checkpoint(const std::string& path, const Checkpoint& c);
// Reads and checks a checkpoint against the run that wants to resume from it.
Checkpoint read_checkpoint(const std::string& path, std::uint64_t expected_hash, std::int32_t ranks,
                           std::int32_t rank);

}  // namespace kascade
