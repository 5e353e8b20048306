#pragma once
// What makes a run the same run: the inputs every rank read, the hash a checkpoint and an output
// carry of the deck, files and build, and the checkpoint a rank resumes from. Internal to the CLI.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>

#include "kascade/app/run_command.hpp"
#include "kascade/io/checkpoint.hpp"
#include "kascade/io/deck.hpp"

namespace kascade::app {

// Refuses ranks that read different decks, --set options or network files (collective).
void require_same_inputs_on_every_rank(const RunConfig& config, MPI_Comm comm);
// Refuses an output that would replace the run's deck.
void refuse_output_over_deck(const RunConfig& config);
// The hash a checkpoint must carry to be resumed (`inputs`: input_fingerprint).
std::uint64_t run_hash(const RunConfig& config, std::uint64_t inputs);
// The output's root attribute run_hash: the run's hash and what the command writes.
std::string command_hash(const RunConfig& config, std::uint64_t inputs, const RunOptions& options);
// The run_hash of a complete kascade output at `path`, or "".
std::string complete_output_hash(const std::string& path);
// The checkpoint at `path` this rank resumes from, if any.
std::optional<Checkpoint> find_checkpoint(const RunOptions& options, const RunConfig& config,
                                          std::uint64_t inputs, const std::string& path, int ranks,
                                          int rank);

}  // namespace kascade::app
