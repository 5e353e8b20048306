#include "run_report.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdio>
#include <string>

#include "flagged_networks.hpp"
#include "kascade/core/error.hpp"
#include "kascade/tune/tuner.hpp"
#include "memory_estimate.hpp"

namespace kascade::app {

using Exec = Kokkos::DefaultExecutionSpace;

// The plan, without running it: what each rank owns, its batches, memory and output size.
void print_plan(const RunConfig& config, const LocalPlan& plan,
                const std::vector<NetworkRange>& batches, const std::vector<double>& bytes,
                const bool with_counts, MPI_Comm comm) {
  // networks, batches, largest batch, connectivity bytes, host bytes, networks made again
  const bool kept = keeps_networks(config.networks, plan.range);
  double local[6] = {static_cast<double>(plan.range.count),
                     static_cast<double>(batches.size()),
                     0,
                     0,
                     0,
                     kept ? 0.0 : 1.0};
  std::size_t k = 0;
  for (const NetworkRange& b : batches) {  // largest batch memory
    double used = 0;
    for (std::uint64_t j = 0; j < b.count; ++j) used += bytes[k++];
    local[2] = std::max(local[2], used);
  }
  double synapses = 0;
  for (offset_t n : plan.synapses) synapses += static_cast<double>(n);
  local[3] = 12.0 * synapses + 4.0 * static_cast<double>(plan.synapses.size());
  local[4] =
      host_bytes({local[0], plan.total_neurons(), synapses, local[2], kept, with_counts}, config);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::vector<double> all(6 * static_cast<std::size_t>(ranks));
  MPI_Gather(local, 6, MPI_DOUBLE, all.data(), 6, MPI_DOUBLE, 0, comm);
  double neurons = plan.total_neurons();
  MPI_Allreduce(MPI_IN_PLACE, &neurons, 1, MPI_DOUBLE, MPI_SUM, comm);
  if (rank != 0) return;
  const double gib = 1073741824.0, mib = 1048576.0;
  std::printf("plan for %s: %s, %.0f neurons, %lld recorded + %lld equilibration steps\n",
              config.deck_path.c_str(), count_text(config.networks.count, "network").c_str(),
              neurons, static_cast<long long>(config.simulation.steps),
              static_cast<long long>(config.simulation.equilibration_steps));
  double connectivity = 0;
  for (int r = 0; r < ranks; ++r) {
    const double* v = &all[6 * static_cast<std::size_t>(r)];
    std::printf(
        "  rank %d: %s in %s, largest batch %.3f GiB of device memory; "
        "about %.1f %s of host memory%s\n",
        r, count_text(static_cast<unsigned long long>(v[0]), "network").c_str(),
        count_text(static_cast<unsigned long long>(v[1]), "batch", "batches").c_str(), v[2] / gib,
        v[4] < gib ? v[4] / mib : v[4] / gib, v[4] < gib ? "MiB" : "GiB",
        v[5] > 0 ? " (networks made again where needed, over KASCADE_KEEP_NETWORKS_MIB)" : "");
    connectivity += v[3];
  }
  const double dt = config.model.parameters(0)["dt"];
  const double hz = planned_rate_hz(config);  // (the mean of its tuning targets, else 10 Hz)
  const double spikes = neurons * config.simulation.steps * dt / 1000.0 * hz;
  const double event_bytes = with_counts ? 14.0 : 12.0;  // step, neuron (, count)
  std::printf(
      "  output: connectivity %.1f MiB; %s %.0f bytes each, %.1f MiB at %s Hz (the spill "
      "files keep the spikes too until the file is whole: about as much again on disk)\n",
      connectivity / mib, with_counts ? "spike events (with counts)" : "spikes", event_bytes,
      event_bytes * spikes / mib, number_text(hz).c_str());
  if (config.tune) {
    const TuneSettings& t = *config.tune;
    std::printf("  tuning first: %s by %s, at most %d epochs of %lld steps\n",
                parameter_list(t).c_str(), to_string(resolved_method(t)), t.max_epochs,
                static_cast<long long>(t.steps));
  }
}

// The summary line (unless `quiet`) and the warnings (always: they are about the data) on rank 0;
// `seconds`: this process's (since it resumed, if `resumed`). Collective.
void report(const RunConfig& config, const LocalPlan& plan, const Hdf5Output& output,
            const NetworkHealth& health, double seconds, const bool resumed, MPI_Comm comm,
            const bool quiet) {
  double neurons = plan.total_neurons(), totals[3] = {0, 0, 0};
  totals[0] = static_cast<double>(output.local_spikes());
  for (auto c : health.clipped) totals[1] += static_cast<double>(c);
  for (auto n : health.non_finite) totals[2] += static_cast<double>(n);
  MPI_Allreduce(MPI_IN_PLACE, &neurons, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, totals, 3, MPI_DOUBLE, MPI_SUM, comm);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::vector<std::uint64_t> runaway_ids, clipped_ids, non_finite_ids;  // (named by warnings)
  for (std::size_t k = 0; k < health.runaway.size(); ++k) {
    if (health.runaway[k] >= 0) runaway_ids.push_back(plan.range.first + k);
    if (health.clipped[k] > 0) clipped_ids.push_back(plan.range.first + k);
    if (health.non_finite[k] > 0) non_finite_ids.push_back(plan.range.first + k);
  }
  const std::string runaway = flagged_networks(runaway_ids, comm),
                    clipped = flagged_networks(clipped_ids, comm),
                    non_finite = flagged_networks(non_finite_ids, comm);
  if (rank != 0) return;
  const double dt = config.model.parameters(0)["dt"];
  const double rate_hz = totals[0] / (neurons * config.simulation.steps) * 1000.0 / dt;
  const int threads = Exec().concurrency();  // (host backends: each rank's; a GPU: its lanes)
  const std::string on =
      count_text(static_cast<unsigned long long>(ranks), "rank") +
      (threads > 1 && Kokkos::SpaceAccessibility<Exec, Kokkos::HostSpace>::accessible
           ? (ranks > 1 ? " of " : " with ") + count_text(threads, "thread")
           : std::string()) +
      (resumed ? " since it resumed" : "");
  if (!quiet)
    std::fprintf(stderr,
                 "[kascade] wrote %s: %s, %lld steps, %.0f spikes (%.2f Hz mean), %.2f s "
                 "on %s\n",
                 config.output.c_str(), count_text(config.networks.count, "network").c_str(),
                 static_cast<long long>(config.simulation.steps), totals[0], rate_hz, seconds,
                 on.c_str());
  if (totals[1] > 0)
    std::fprintf(stderr,
                 "[kascade] warning: %.0f spike probabilities outside [0, 1] (Bernoulli) or "
                 "Poisson counts out of range were clipped, in %s (per network: "
                 "/networks/clipped_probabilities)\n",
                 totals[1], clipped.c_str());
  if (totals[2] > 0)
    std::fprintf(stderr,
                 "[kascade] warning: %.0f rates were not finite (NaN or infinite input), in %s "
                 "(counted per network in /networks/non_finite_rates)\n",
                 totals[2], non_finite.c_str());
  if (!runaway.empty())
    std::fprintf(stderr,
                 "[kascade] warning: %s fired above simulation.runaway_rate_hz = %g Hz over a "
                 "record_interval (%s); see /networks/runaway_step\n",
                 runaway.c_str(), config.simulation.runaway_rate_hz,
                 config.simulation.runaway_stop ? "their later spikes were not kept"
                                                : "their spikes were all kept");
}

}  // namespace kascade::app
