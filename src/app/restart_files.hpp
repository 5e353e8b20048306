#pragma once
// The files a run keeps beside its output until it completes: each rank's checkpoint
// (<output>.ckpt.<rank>, and .tmp while one is written) and spike spill (<output>.spill.<rank>).
// Found by name, for any rank number: a run with fewer ranks, or a `kascade generate` of the same
// output, must see those of an earlier run too.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/io/checkpoint.hpp"
#include "kascade/parallel/partition.hpp"

namespace kascade::app {

// This rank's checkpoint (its .tmp: + ".tmp") and spill file of `output`.
inline std::string checkpoint_path(const std::string& output, const int rank) {
  return output + ".ckpt." + std::to_string(rank);
}
inline std::string spill_path(const std::string& output, const int rank) {
  return output + ".spill." + std::to_string(rank);
}

struct RankFile {
  int rank;
  bool checkpoint;  // else a spill file (or a checkpoint's .tmp: checkpoint, too)
  std::string path;
  bool temporary = false;  // a checkpoint's .tmp
};

// Every such file of `output` that kascade wrote (a checkpoint by its first bytes; a spill file
// where its rank has a checkpoint), in no particular order.
std::vector<RankFile> rank_files(const std::string& output);

// Removes those of ranks >= `first_rank` (left by a run with more ranks).
void remove_rank_files_from(const std::string& output, int first_rank);

// Removes the checkpoints of `output` that the run of hash `run` wrote (its .tmp too) and their
// ranks' spill files: what a kill between the output's rename and their removal left of the run
// that made the complete output (checkpoints no newer than it). Others' stay (an interrupted run
// of another deck, or a later `--overwrite`, resumes from them). The caller holds the output's
// lock: no run of it is under way.
void remove_files_of_run(const std::string& output, std::uint64_t run);

// The batches of the run `c` was written in (the same deck and rank count; with
// simulation.batch_size = 0 they depend on the thread count), over this rank's networks `mine`:
// a resume steps the rest of them. A layout that does not cover `mine` is refused naming `path`.
std::vector<NetworkRange> checkpoint_batches(const Checkpoint& c, NetworkRange mine,
                                             const std::string& path);

}  // namespace kascade::app
