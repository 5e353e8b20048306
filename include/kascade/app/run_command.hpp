#pragma once
// `kascade run`: deck -> plan (partition, batches) -> engine steps -> recorder -> file.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kascade::app {

struct RunOptions {
  std::string deck;
  std::vector<std::string> overrides;  // --set key=value
  std::string output;                  // overrides the deck's output when not empty
  bool overwrite = false;
  bool fresh = false;              // ignore (and delete) checkpoints of an earlier, interrupted run
  bool dry_run = false;            // check the deck and print the plan; simulate nothing
  bool connectivity_only = false;  // `kascade generate`: write networks, no steps
  bool tune_only = false;          // `kascade tune`: networks and tuned values, no steps
  bool no_tune = false;            // `kascade run --no-tune`: the deck's [tune] is not done
  // events (synapses) per rank per collective write of the spikes (the connectivity)
  std::uint64_t round_events = 1u << 22;
  bool quiet = false;
};

// Collective over `comm`. Throws InputError for bad input.
void run_command(const RunOptions& options, MPI_Comm comm = MPI_COMM_WORLD);

}  // namespace kascade::app
