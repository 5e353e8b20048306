#pragma once
// What a run tells its user on rank 0: the plan of a dry run, and the summary and warnings about
// the data at the end (collective). Internal to the CLI.
#include <mpi.h>

#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "local_plan.hpp"

namespace kascade::app {

// The plan, without running it: what each rank owns, its batches, memory and output size
// (`bytes`: each local network's device memory, in batch order).
void print_plan(const RunConfig& config, const LocalPlan& plan,
                const std::vector<NetworkRange>& batches, const std::vector<double>& bytes,
                bool with_counts, MPI_Comm comm);
// The summary line (unless `quiet`) and the warnings (always) on rank 0.
void report(const RunConfig& config, const LocalPlan& plan, const Hdf5Output& output,
            const NetworkHealth& health, double seconds, bool resumed, MPI_Comm comm, bool quiet);

}  // namespace kascade::app
