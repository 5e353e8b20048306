#include "kascade/app/run_command.hpp"

#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "kascade/core/error.hpp"
#include "kascade/engine/engine.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "kascade/parallel/partition.hpp"
#include "progress.hpp"

namespace kascade::app {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

// Estimated cost of one network per step: synapses plus neurons times kernel length.
std::vector<double> network_costs(const RunConfig& c, int kernel_length) {
  std::vector<double> cost(c.networks.count);
  for (network_id_t g = 0; g < c.networks.count; ++g) cost[g] = c.networks.cost(g, kernel_length);
  return cost;
}

}  // namespace

void run_command(const RunOptions& options, MPI_Comm comm) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const auto started = std::chrono::steady_clock::now();

  RunConfig config = read_deck(options.deck, options.overrides);
  if (!options.output.empty()) config.output = options.output;
  if (!options.overwrite && std::filesystem::exists(config.output))
    throw InputError(config.output + ": output file exists (pass --overwrite to replace it)");

  const CascadeModel model = config.model.build(0);  // the structure all networks share
  const NetworkRange mine =
      partition_by_cost(network_costs(config, model.kernel_length()), ranks, rank);

  std::vector<Network> networks;
  std::vector<CascadeModel> models;
  std::map<std::string, std::vector<double>> parameters;  // as used, per local network
  networks.reserve(mine.count);
  for (std::uint64_t k = 0; k < mine.count; ++k) {
    const auto id = static_cast<network_id_t>(mine.first + k);
    networks.push_back(config.networks.make(id));
    models.push_back(config.model.build(id));
    for (const auto& [name, value] : config.model.parameters(id).values)
      parameters[name].push_back(value);
  }
  if (mine.count == 0)
    for (const auto& [name, value] : config.model.parameters(0).values) parameters[name];

  OutputDescription description;
  description.path = config.output;
  description.deck_text = config.deck_text;
  description.seed = config.seed;
  description.n_networks = static_cast<std::uint64_t>(config.networks.count);
  description.recorded_steps = config.simulation.steps;
  description.equilibration_steps = config.simulation.equilibration_steps;
  description.dt = config.model.parameters(0)["dt"];
  description.model_preset = model.preset;
  description.with_counts = model.emission == Emission::poisson;
  Hdf5Output output(description, comm, mine.first, mine.count);
  {
    std::vector<const Network*> local;
    for (const auto& n : networks) local.push_back(&n);
    output.write_networks(local);
    output.write_parameters(parameters, config.model.choices);
  }

  // Ranks step through batches in lockstep because every file append is collective; a rank
  // out of batches appends empty chunks.
  const auto batches =
      split_into_batches(mine, static_cast<std::uint64_t>(config.simulation.batch_size));
  std::uint64_t rounds = batches.size();
  MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
  EngineSettings settings;
  settings.seed = config.seed;
  settings.equilibration_steps = config.simulation.equilibration_steps;
  settings.recorded_steps = config.simulation.steps;
  settings.chunk_steps = std::min(config.simulation.record_interval, config.simulation.steps);
  const step_t chunks = (settings.recorded_steps + settings.chunk_steps - 1) / settings.chunk_steps;

  const std::uint64_t total_steps =
      batches.size() * static_cast<std::uint64_t>(settings.recorded_steps);
  Progress progress("simulating", total_steps, rank == 0 && !options.quiet);
  std::vector<std::uint64_t> clipped;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    if (round >= batches.size()) {
      for (step_t c = 0; c < chunks; ++c) output.record({});
      continue;
    }
    const NetworkRange b = batches[round];
    std::vector<const Network*> nets;
    std::vector<network_id_t> ids;
    std::vector<const CascadeModel*> batch_models;
    for (std::uint64_t k = 0; k < b.count; ++k) {
      nets.push_back(&networks[b.first - mine.first + k]);
      ids.push_back(static_cast<network_id_t>(b.first + k));
      batch_models.push_back(&models[b.first - mine.first + k]);
    }
    Engine<Exec> engine(make_batch<Mem>(nets, ids), make_batch_model<Mem>(batch_models), settings);
    engine.initialize_random();
    const std::uint64_t before = round * static_cast<std::uint64_t>(settings.recorded_steps);
    engine.run(output,
               [&](step_t done, step_t) { progress.update(before + done, output.local_spikes()); });
    const auto c = engine.clipped_counts();
    clipped.insert(clipped.end(), c.begin(), c.end());
  }
  progress.finish(output.local_spikes());
  output.write_summary(clipped);
  output.finalize();

  double neurons = 0;
  for (const auto& n : networks) neurons += n.n_neurons;
  MPI_Allreduce(MPI_IN_PLACE, &neurons, 1, MPI_DOUBLE, MPI_SUM, comm);
  std::uint64_t spikes = output.local_spikes();
  MPI_Allreduce(MPI_IN_PLACE, &spikes, 1, MPI_UINT64_T, MPI_SUM, comm);
  std::uint64_t clipped_total = 0;
  for (auto c : clipped) clipped_total += c;
  MPI_Allreduce(MPI_IN_PLACE, &clipped_total, 1, MPI_UINT64_T, MPI_SUM, comm);
  if (rank == 0 && !options.quiet) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double rate_hz = spikes / (neurons * config.simulation.steps) * 1000.0 / model.dt;
    std::fprintf(stderr,
                 "[kascade] wrote %s: %lld networks, %lld steps, %llu spikes (%.2f Hz mean), %.2f "
                 "s on %d rank(s)\n",
                 config.output.c_str(), static_cast<long long>(config.networks.count),
                 static_cast<long long>(config.simulation.steps),
                 static_cast<unsigned long long>(spikes), rate_hz, seconds, ranks);
    if (clipped_total > 0)
      std::fprintf(stderr,
                   "[kascade] warning: %llu spike probabilities above 1 were clipped to 1\n",
                   static_cast<unsigned long long>(clipped_total));
  }
}

}  // namespace kascade::app
