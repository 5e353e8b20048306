#pragma once
// The run's HDF5 file from what the ranks simulated: its description, what is known before the
// first step (connectivity, parameters, stimuli), and the spikes copied from the spill files in
// collective rounds. Internal to the CLI.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "kascade/io/spill_file.hpp"
#include "kascade/model/cascade_model.hpp"
#include "local_plan.hpp"

namespace kascade::app {

// The file's description: where, its deck, seeds, sizes and the command's hash (`run_identity`).
OutputDescription describe(const RunConfig& config, const CascadeModel& model,
                           step_t stimulus_steps, const std::string& run_identity);
// Connectivity, parameters and stimuli of the local networks (`round`: elements per rank per
// collective write).
void write_inputs(Hdf5Output& output, const RunConfig& config, const LocalPlan& plan,
                  std::uint64_t round);
// The spike events spilled for the local networks.
std::uint64_t total_events(const SpillFile& spill, NetworkRange mine);
// Every local network's spikes, in collective rounds of about `max_events` events per rank.
void copy_spikes(SpillFile& spill, Hdf5Output& output, MPI_Comm comm, std::uint64_t max_events);

}  // namespace kascade::app
