#include "kascade/app/info_command.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "kascade/core/error.hpp"
#include "kascade/io/hdf5_reader.hpp"

namespace kascade::app {

namespace {

// One line on the tuning a file holds (/tuning), if any: what was tuned toward what, and how
// many networks converged in how many epochs.
void print_tuning(const OutputReader& reader) {
  if (!reader.has("/tuning")) return;
  const auto attrs = reader.attributes("/tuning");
  auto attr = [&](const char* key) {
    const auto it = attrs.find(key);
    return it == attrs.end() ? std::string("?") : it->second;
  };
  const auto epochs = reader.per_network("/tuning/epochs");
  const auto converged = reader.per_network("/tuning/converged");
  const std::string what = attrs.count("parameters") ? " " + attr("parameters") : "";
  std::printf("  tuned%s by %s toward %s, epochs of %s steps", what.c_str(), attr("method").c_str(),
              attr("target_rate").c_str(), attr("steps_per_epoch").c_str());
  if (!epochs.empty()) {
    const double least = *std::min_element(epochs.begin(), epochs.end());
    const double most = *std::max_element(epochs.begin(), epochs.end());
    if (least == most)
      std::printf(": %.0f epochs", most);
    else
      std::printf(": %.0f-%.0f epochs", least, most);
  }
  if (attr("method") == "newton")
    std::printf(", %.0f of %zu networks converged",
                std::accumulate(converged.begin(), converged.end(), 0.0), converged.size());
  std::printf(" (/tuning)\n");
}

}  // namespace

int info_command(const std::string& file, const bool all_networks) {
  const OutputReader reader(file);
  const auto attrs = reader.attributes();
  auto attr = [&](const char* key) {
    const auto it = attrs.find(key);
    return it == attrs.end() ? std::string("?") : it->second;
  };
  const std::uint64_t G = reader.n_networks();
  // (`kascade generate` and `tune` record no steps: networks only)
  const bool simulated = attr("recorded_steps") != "0";
  std::printf("%s: %s kascade output%s\n", file.c_str(),
              reader.complete() ? "complete" : "INCOMPLETE",
              simulated ? "" : ", networks only (not simulated: kascade generate or tune)");
  // (spike_seed only where it is not the seed: files of earlier versions have none)
  const std::string spikes_from = attrs.count("spike_seed") && attr("spike_seed") != attr("seed")
                                      ? " (spike_seed " + attr("spike_seed") + ")"
                                      : "";
  std::printf("  made by kascade %s (git %s, Kokkos %s), model %s, seed %s%s\n",
              attr("kascade_version").c_str(), attr("git_revision").c_str(),
              attr("kokkos_backend").c_str(), attr("model").c_str(), attr("seed").c_str(),
              spikes_from.c_str());
  std::printf("  %s, %s recorded steps of %s ms after %s equilibration steps\n",
              count_text(G, "network").c_str(), attr("recorded_steps").c_str(),
              attr("dt_ms").c_str(), attr("equilibration_steps").c_str());
  if (!reader.complete()) return 3;
  const auto spikes = reader.per_network("spike_count");
  const auto rates = reader.per_network("rate_hz");
  const auto neurons = reader.per_network("n_neurons");
  const auto clipped = reader.per_network("clipped_probabilities");
  const double total = std::accumulate(spikes.begin(), spikes.end(), 0.0);
  const double n_total = std::accumulate(neurons.begin(), neurons.end(), 0.0);
  const double steps = std::stod(attr("recorded_steps")), dt = std::stod(attr("dt_ms"));
  print_tuning(reader);
  if (!simulated) {
    std::printf("  %.0f neurons\n", n_total);
    std::printf("deck:\n%s\n", reader.deck().c_str());
    return 0;
  }
  std::printf("  %.0f neurons, %.0f spikes, mean rate %.3f Hz", n_total, total,
              steps > 0 ? 1000.0 * total / (n_total * steps * dt) : 0.0);
  if (!rates.empty())
    std::printf(" (networks from %.3f to %.3f Hz)", *std::min_element(rates.begin(), rates.end()),
                *std::max_element(rates.begin(), rates.end()));
  std::printf("\n");
  const double clips = std::accumulate(clipped.begin(), clipped.end(), 0.0);
  if (clips > 0) std::printf("  %.0f probabilities were clipped to [0, 1]\n", clips);
  if (reader.has("/networks/non_finite_rates")) {
    const auto bad = reader.per_network("non_finite_rates");
    const double total = std::accumulate(bad.begin(), bad.end(), 0.0);
    if (total > 0) std::printf("  %.0f rates were not finite (NaN or infinite input)\n", total);
  }
  if (reader.has("/networks/runaway_step")) {  // files of kascade 0.1 before the guard lack it
    const auto runaway = reader.per_network("runaway_step");
    const auto first =
        std::find_if(runaway.begin(), runaway.end(), [](double s) { return s >= 0; });
    if (first != runaway.end())
      std::printf("  %s ran away (first: network %lld from step %.0f)\n",
                  count_text(static_cast<unsigned long long>(std::count_if(
                                 runaway.begin(), runaway.end(), [](double s) { return s >= 0; })),
                             "network")
                      .c_str(),
                  static_cast<long long>(first - runaway.begin()), *first);
  }
  std::printf("  network  neurons   spikes    rate (Hz)\n");
  const std::uint64_t rows = all_networks ? G : std::min<std::uint64_t>(G, 10);
  for (std::uint64_t g = 0; g < rows; ++g)
    std::printf("  %7llu  %7.0f  %7.0f  %11.3f\n", static_cast<unsigned long long>(g), neurons[g],
                spikes[g], rates[g]);
  if (G > rows)
    std::printf("  ... (%llu more: --all lists every network)\n",
                static_cast<unsigned long long>(G - rows));
  std::printf("deck:\n%s\n", reader.deck().c_str());
  return 0;
}

}  // namespace kascade::app
