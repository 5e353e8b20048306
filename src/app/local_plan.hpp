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
#include <utility>
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
  std::vector<ordinal_t> neurons;  // of each local network
  std::vector<offset_t> synapses;
  // Every local network, if they come from files or are expected to take at most
  // keep_networks_bytes() of host memory; else none: generated networks are made again from
  // `source` (a pure function of the deck) where needed, so that a rank's host memory does not
  // grow with its networks (10^6 networks of 40 neurons: ~8 GB).
  std::vector<Network> kept;
  const NetworkSource* source = nullptr;
  std::vector<CascadeModel> models;
  std::map<std::string, std::vector<double>> parameters;  // model parameter -> value per network
  std::vector<std::vector<RealisedStimulus>> stimuli;     // [stimulus][local network]

  // Local networks [first, first + count).
  NetworkPiece networks(std::uint64_t first, std::uint64_t count) const;
  double total_neurons() const;
};

// Host memory a rank's networks may take to be kept by its plan: 256 MiB, or the environment's
// KASCADE_KEEP_NETWORKS_MIB.
double keep_networks_bytes();

// Host memory kept networks hold (their arrays and the arrays' headers).
inline double kept_network_bytes(const double networks, const double neurons,
                                 const double synapses) {
  return 8.3 * synapses + 8.0 * neurons + 72 * networks;
}

// Whether a plan keeps networks `range` of `source` (decided before any is made: else the
// networks up to the limit would be made, held and dropped, that much memory for nothing):
// networks from files always (a file read again could have changed, or gone, under a long run;
// each is checked as it is read), generated ones where their expected size is within
// keep_networks_bytes().
bool keeps_networks(const NetworkSource& source, NetworkRange range);

// The stimuli are realised over `stimulus_steps` recorded steps: the deck's, also where none are
// recorded (generate, tune), so that the file holds, and tuning applies, the stimuli of a run of
// the deck. `progress`, if given, is called after each network with (networks done, synapses so
// far).
// `keep`: whether the plan may keep its networks (a dry run needs only their sizes).
LocalPlan make_local_plan(const RunConfig& config, NetworkRange range, step_t stimulus_steps,
                          const std::function<void(std::uint64_t, std::uint64_t)>& progress = {},
                          bool keep = true);

// Runs `work` on every rank; if it throws on any rank (any std::exception), every rank throws
// the error of the lowest such rank, so that no rank is left waiting in a collective call. With
// `idle`: a rank done with its work calls it every millisecond or so until all are.
template <class Work>
void collectively(MPI_Comm comm, Work&& work);
template <class Idle, class Work>
void collectively(MPI_Comm comm, Idle&& idle, Work&& work);

// `input`: the error is the user's input (InputError, exit 2), else another failure (exit 1).
void rethrow_first_error(MPI_Comm comm, const std::string& local_error, bool input);
// Returns once every rank has called it, calling `idle` meanwhile.
void wait_for_every_rank(MPI_Comm comm, const std::function<void()>& idle);

// `work`'s error on this rank ("" if none), and whether it is the user's input's.
template <class Work>
std::pair<std::string, bool> error_of(Work&& work) {
  try {
    work();
  } catch (const InputError& e) {
    return {e.what(), true};
  } catch (const std::bad_alloc&) {
    return {
        "out of memory (lower networks.count, their sizes or simulation.batch_size, or use "
        "more ranks)",
        false};
  } catch (const std::exception& e) {
    return {*e.what() ? e.what() : "unknown error", false};
  }
  return {"", true};
}

template <class Work>
void collectively(MPI_Comm comm, Work&& work) {
  const auto [error, input] = error_of(std::forward<Work>(work));
  rethrow_first_error(comm, error, input);
}

template <class Idle, class Work>
void collectively(MPI_Comm comm, Idle&& idle, Work&& work) {
  const auto [error, input] = error_of(std::forward<Work>(work));
  wait_for_every_rank(comm, idle);
  rethrow_first_error(comm, error, input);
}

}  // namespace kascade::app
