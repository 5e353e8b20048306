#pragma once
// Tuning inside a run: the rank's networks of the plan are tuned (collectively when parameters
// are shared), then the plan's models, parameter values and stimulus strengths are replaced by
// the tuned ones, so the simulation that follows uses them.
#include <mpi.h>

#include <map>
#include <string>
#include <vector>

#include "kascade/io/deck.hpp"
#include "kascade/parallel/partition.hpp"
#include "local_plan.hpp"

namespace kascade::app {

// What the output's /tuning group holds: one value per local network for each dataset, and the
// settings as text.
struct TuneOutcome {
  std::map<std::string, std::vector<double>> datasets;
  std::map<std::string, std::string> about;
};

// Per-neuron targets (tune.target_rate as one array per network) name as many rates as each
// local network of `plan` has neurons: an InputError naming the first that does not. Checked
// once the networks are made, before any tuning (also by --dry-run).
void check_neuron_targets(const RunConfig& config, const LocalPlan& plan);

// A resumed run's tuning: the values and /tuning datasets its checkpoint saved (`saved`, of the
// rank's networks; `checkpoint` names the file in an error) applied to the plan, as tune_plan
// leaves it, without tuning again.
TuneOutcome resume_tuning(const RunConfig& config, LocalPlan& plan,
                          const std::map<std::string, std::vector<double>>& saved,
                          const std::string& checkpoint);

// `simulated`: the tuned networks are simulated after (run), else only written (tune).
TuneOutcome tune_plan(const RunConfig& config, LocalPlan& plan,
                      const std::vector<NetworkRange>& batches, MPI_Comm comm, bool show_progress,
                      bool simulated);

}  // namespace kascade::app
