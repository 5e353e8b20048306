#include "run_identity.hpp"

#include <cstdio>
#include <filesystem>

#include "kascade/core/error.hpp"
#include "kascade/core/version.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "restart_files.hpp"

namespace kascade::app {

// Every rank reads the deck and lists the network files itself: ranks given different decks (or
// working directories whose files differ) would each plan another run, and write one file from
// their parts that looks complete. Their text and listing are compared (collective).
void require_same_inputs_on_every_rank(const RunConfig& config, MPI_Comm comm) {
  std::string seen = config.deck_text + "\n# networks " + std::to_string(config.networks.count);
  for (const std::string& item : config.networks.items) seen += "\n# " + item;
  const std::uint64_t mine = deck_hash(seen);
  std::uint64_t low = mine, high = mine;
  MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_UINT64_T, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, &high, 1, MPI_UINT64_T, MPI_MAX, comm);
  require(low == high, config.deck_path +
                           ": the ranks read different decks, --set options or network files "
                           "(another working directory or file system on some node); give "
                           "every rank the same");
}

// An output that would replace the run's deck (-o deck.toml --overwrite) is refused, as export
// refuses one onto its source. (Data files it reads may be replaced: they are read before the
// output takes their name, and `kascade tune -o tuned.h5 --overwrite` from values in tuned.h5
// refines them.)
void refuse_output_over_deck(const RunConfig& config) {
  std::error_code ec;
  require(!std::filesystem::equivalent(config.output, config.deck_path, ec),
          config.output + ": is this run's deck; write the output to another file (-o)");
}

// What a checkpoint must have been written by to be resumed: the same deck (its values after the
// --set options, and those read from files: RunConfig::identity), the same network and stimulus
// files (`inputs`: input_fingerprint) and the same build, which alone promises the same bits.
std::uint64_t run_hash(const RunConfig& config, const std::uint64_t inputs) {
  return deck_hash(config.identity + "\n# built as kascade " + version() + " " + git_revision() +
                   " " + kokkos_backend() + "\n# inputs " + std::to_string(inputs));
}

// What an output keeps of the command that made it (its root attribute run_hash): the run's
// hash and what the command writes (steps, only networks, tuned values).
std::string command_hash(const RunConfig& config, const std::uint64_t inputs,
                         const RunOptions& options) {
  const char* writes = options.connectivity_only ? "generate" : options.tune_only ? "tune" : "run";
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(
                    deck_hash(std::to_string(run_hash(config, inputs)) + " " + writes)));
  return text;
}

// The run_hash of a complete kascade output at `path`, or "" (none, incomplete, another file).
std::string complete_output_hash(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";  // (a FIFO would block HDF5)
  try {
    const OutputReader file(path);
    if (!file.complete()) return "";
    const auto attributes = file.attributes("/");
    const auto at = attributes.find("run_hash");
    return at == attributes.end() ? "" : at->second;
  } catch (const InputError&) {
    return "";
  }
}

// The checkpoint this rank resumes from, if any. A rank without one (it owns no network, or was
// stopped before its first checkpoint while others had written theirs) starts its own networks
// over: no rank's spikes depend on another's, so the file is the same. A checkpoint of another
// deck or rank count is refused (read_checkpoint). `kascade generate` and `tune` record no steps
// but would write the same output and spill files: they refuse an interrupted run's output
// before any work (run_command).
std::optional<Checkpoint> find_checkpoint(const RunOptions& options, const RunConfig& config,
                                          const std::uint64_t inputs, const std::string& path,
                                          int ranks, int rank) {
  if (options.connectivity_only || options.tune_only) return std::nullopt;  // (refused earlier)
  if (options.fresh) {
    std::remove(path.c_str());
    std::remove((path + ".tmp").c_str());
    if (rank == 0) remove_rank_files_from(config.output, ranks);  // an earlier run's, more ranks
    return std::nullopt;
  }
  if (!std::filesystem::exists(path)) return std::nullopt;
  return read_checkpoint(path, run_hash(config, inputs), ranks, rank);
}

}  // namespace kascade::app
