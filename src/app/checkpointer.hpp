#pragma once
// When and how a rank checkpoints: at a chunk or batch boundary once `every` seconds have passed
// since the last one (0: at every boundary; negative: only between batches), after the last
// batch, and when the run is interrupted.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kascade/io/checkpoint.hpp"
#include "kascade/parallel/partition.hpp"

namespace kascade::app {

class Checkpointer {
 public:
  // `tuned`: the run's tuned values and /tuning datasets of the rank's networks (or none), kept
  // in every checkpoint so that a resume need not tune again.
  Checkpointer(std::string path, std::uint64_t deck_hash, int ranks, int rank, double every,
               const std::vector<NetworkRange>& batches,
               std::map<std::string, std::vector<double>> tuned)
      : path_(std::move(path)),
        hash_(deck_hash),
        ranks_(ranks),
        rank_(rank),
        every_(every),
        tuned_(std::move(tuned)) {
    for (const NetworkRange& b : batches) batch_networks_.push_back(b.count);
  }

  bool due() const {
    if (every_ < 0) return false;
    return std::chrono::duration<double>(clock::now() - last_).count() >= every_;
  }
  bool due_between_batches() const { return every_ < 0 || due(); }

  // The spill is synced first: the checkpoint then never refers to bytes not on disk. `state` (of
  // a batch under way, or null) is moved from: a batch's rings may be gigabytes.
  void write(SpillFile& spill, std::uint64_t batch, EngineState* state, const NetworkHealth& health,
             const bool interrupted = false) {
    if (every_ < 0 && state != nullptr && !interrupted) return;
    spill.sync();
    Checkpoint c;
    c.deck_hash = hash_;
    c.ranks = ranks_;
    c.rank = rank_;
    c.batch_networks = batch_networks_;
    c.next_batch = batch;
    c.in_batch = state != nullptr;
    if (state != nullptr) c.state = std::move(*state);
    c.spill = spill.position();
    c.health = health;
    c.tuned = tuned_;
    write_checkpoint(path_, c);
    last_ = clock::now();
  }

 private:
  using clock = std::chrono::steady_clock;
  std::string path_;
  std::uint64_t hash_;
  int ranks_, rank_;
  double every_;
  std::vector<std::uint64_t> batch_networks_;
  std::map<std::string, std::vector<double>> tuned_;
  clock::time_point last_ = clock::now();
};

}  // namespace kascade::app
