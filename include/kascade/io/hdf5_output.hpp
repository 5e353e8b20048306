#pragma once
// The run's one HDF5 file, written collectively by every MPI rank (MPI-IO driver). Layout in
// docs/output-format.md. The file is written as "<output>.partial" with the root attribute
// complete = 0, and only finalize() sets complete = 1 and renames it to <output>: a file under
// the final name is always whole.
//
// Every method is collective: all ranks call it the same number of times, in the same order.
// Rank r owns the contiguous range of network ids given to the constructor.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/network/network.hpp"

namespace kascade {

struct OutputDescription {
  std::string path;  // final name
  std::string deck_text;
  std::uint64_t seed = 0;
  std::uint64_t spike_seed = 0;  // the simulation's draws' (simulation.spike_seed, else seed)
  std::uint64_t n_networks = 0;  // in the whole run
  step_t recorded_steps = 0;
  step_t stimulus_steps = 0;  // the steps /stimuli describe (the deck's, also with none recorded)
  step_t equilibration_steps = 0;
  double dt = 1.0;  // ms per step
  std::string model_preset;
  bool with_counts = false;  // emission can give more than one spike per step
  // What made the file (the command's hash of its deck, options, input files and build), or
  // empty: the root attribute run_hash, by which the same command finds its file made already.
  std::string run_hash;
};

// Whether an output file could not be closed after a failed write. HDF5 1.10 then keeps a
// broken file open and crashes when MPI_Finalize shuts it down: the program should end without
// MPI_Finalize (main.cpp).
bool output_left_open();

class Hdf5Output : public Recorder {
 public:
  // Creates <path>.partial. Ranks own networks [first_network, first_network + n_local).
  Hdf5Output(const OutputDescription& description, MPI_Comm comm, network_id_t first_network,
             std::uint64_t n_local);
  // Without finalize() (an error): the .partial file is closed and removed (a restarted run
  // writes it again from the spill files).
  ~Hdf5Output() override;

  // Connectivity of this rank's networks, in id order.
  void write_networks(const std::vector<const Network*>& local);
  // The same, made a piece at a time: `neurons` and `synapses` of each local network, and
  // make(first, count) the local networks [first, first + count), asked for in pieces of up to
  // `piece_synapses` synapses (or one network), so that the file's buffers stay that small.
  using NetworkMaker = std::function<NetworkPiece(std::uint64_t first, std::uint64_t count)>;
  void write_networks(const std::vector<ordinal_t>& neurons, const std::vector<offset_t>& synapses,
                      const NetworkMaker& make,
                      std::uint64_t piece_synapses = std::uint64_t(1) << 22);
  // The model parameters actually used, one value per local network, under
  // /networks/parameters/<name>; choices (custom compositions) become attributes there.
  void write_parameters(const std::map<std::string, std::vector<double>>& local,
                        const std::map<std::string, std::string>& choices);
  // /stimuli/<name>: its definition per network (parameters), its targets and, for pulse trains
  // with random onsets, the onsets, as per-network ragged arrays. Lists are per local network;
  // `onsets` empty when the stimulus has none.
  // `about`: further string attributes (a loaded stimulus' file, dataset, channel weights).
  void write_stimulus(const std::string& name, const std::string& kind,
                      const std::string& targeting, const std::map<std::string, std::string>& about,
                      const std::map<std::string, std::vector<double>>& parameters,
                      const std::vector<const std::vector<ordinal_t>*>& targets,
                      const std::vector<const std::vector<step_t>*>& onsets);
  // /tuning: per local network, each tuned parameter's value and the tuning's outcome
  // (datasets, one value per network), and the settings as string attributes.
  void write_tuning(const std::map<std::string, std::vector<double>>& local,
                    const std::map<std::string, std::string>& about);
  // Appends one chunk of events (this rank's part; may be empty).
  void record(const std::vector<SpikeEvents>& chunk) override;
  // Spike counts and rates, and the health (clipped probabilities, non-finite rates, runaway
  // steps) of this rank's networks, in id order.
  void write_summary(const NetworkHealth& health);
  // Writes the spike index, marks the file complete and renames it to its final name.
  void finalize();
  // After finalize(): whether the rename is on disk too (its directory synced; false after an
  // I/O error there: what the file was made from should then be kept).
  bool name_durable() const { return name_durable_; }

  std::uint64_t local_spikes() const;  // events recorded by this rank so far

 private:
  void write_header();
  void discard() noexcept;
  struct State;
  std::unique_ptr<State> state_;
  bool name_durable_ = false;
};

}  // namespace kascade
