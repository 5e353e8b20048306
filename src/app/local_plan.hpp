#pragma once
// What one rank builds before simulating: its networks, their models and parameters as used,
// and every stimulus made concrete for each of its networks. Pure functions of the deck and the
// network ids, so any rank builds the same network the same way.
#include <functional>
#include <map>
#include <mpi.h>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/model/cascade_model.hpp"
#include "kascade/network/network.hpp"
#include "kascade/parallel/partition.hpp"
#include "kascade/stimulus/stimulus.hpp"

namespace kascade::app {

struct LocalPlan {
  NetworkRange range;
  std::vector<Network> networks;
  std::vector<CascadeModel> models;
  std::map<std::string, std::vector<double>> parameters;  // model parameter -> value per network
  std::vector<std::vector<RealisedStimulus>> stimuli;     // [stimulus][local network]
};

// The stimuli are realised over `stimulus_steps` recorded steps: the deck's, also where none are
// recorded (generate, tune), so that the file holds, and tuning applies, the stimuli of a run of
// the deck. `progress`, if given, is called after each network with (networks done, synapses so
// far).
LocalPlan make_local_plan(const RunConfig& config, NetworkRange range, step_t stimulus_steps,
                          const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

// Runs `work` on every rank; if it throws InputError on any rank, every rank throws the error
// of the lowest such rank, so that no rank is left waiting in a collective call.
template <class Work>
void collectively(MPI_Comm comm, Work&& work);

// `input`: the error is the user's input (InputError, exit 2), else another failure (exit 1).
void rethrow_first_error(MPI_Comm comm, const std::string& local_error, bool input);

template <class Work>
void collectively(MPI_Comm comm, Work&& work) {
  std::string error;
  bool input = true;
  try {
    work();
  } catch (const InputError& e) {
    error = e.what();
  } catch (const std::bad_alloc&) {
    error =
        "out of memory (lower networks.count, their sizes or simulation.batch_size, or use "
        "more ranks)";
    input = false;
  } catch (const std::exception& e) {
    error = e.what();
    input = false;
  }
  if (error.empty() && !input) error = "unknown error";
  rethrow_first_error(comm, error, input);
}

}  // namespace kascade::app
