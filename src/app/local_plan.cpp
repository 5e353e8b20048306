#include "local_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/fail_together.hpp"
#include "kascade/core/error.hpp"

namespace kascade::app {

LocalPlan make_local_plan(const RunConfig& config, NetworkRange range, const step_t stimulus_steps,
                          const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                          const bool keep) {
  LocalPlan plan;
  plan.range = range;
  plan.source = &config.networks;
  const NetworkSource& source = config.networks;
  const bool keeping = keep && keeps_networks(source, range);
  // Made a piece at a time (a file's read together), each piece about 2^22 synapses by the sizes
  // so far: one network first, then at most 256.
  std::uint64_t synapses = 0, piece = 1;
  for (std::uint64_t j0 = 0; j0 < range.count;) {
    const std::uint64_t n = std::min(piece, range.count - j0);
    for (Network& net : source.make_range(range.first + j0, n)) {
      plan.neurons.push_back(net.n_neurons);
      plan.synapses.push_back(net.n_synapses());
      if (keeping) plan.kept.push_back(std::move(net));
    }
    for (std::uint64_t j = j0; j < j0 + n; ++j) {
      plan.models.push_back(config.model.build(static_cast<network_id_t>(range.first + j)));
      synapses += plan.synapses[j];
      if (progress) progress(j + 1, synapses);
    }
    j0 += n;
    const double mean = static_cast<double>(synapses) / static_cast<double>(j0);
    piece = static_cast<std::uint64_t>(std::clamp(4194304.0 / std::max(mean, 1.0), 1.0, 256.0));
  }
  // Every rank lists every parameter name, also when it owns no network (collective writes).
  for (const auto& [name, value] : config.model.parameters(0).values) plan.parameters[name];
  for (std::uint64_t j = 0; j < range.count; ++j)
    for (const auto& [name, value] : config.model.parameters(range.first + j).values)
      plan.parameters[name].push_back(value);

  plan.stimuli.resize(config.stimuli.size());
  try {  // (targets that do not fit a network are found here, when its size is known)
    for (std::size_t k = 0; k < config.stimuli.size(); ++k)
      for (std::uint64_t j = 0; j < range.count; ++j)
        plan.stimuli[k].push_back(realise(config.stimuli[k], k, config.seed,
                                          static_cast<network_id_t>(range.first + j),
                                          plan.neurons[j], stimulus_steps));
  } catch (const InputError& e) {
    throw InputError(with_value_sources(config.deck_path + ": " + e.what(), config.value_sources));
  }
  return plan;
}

NetworkPiece LocalPlan::networks(const std::uint64_t first, const std::uint64_t count) const {
  NetworkPiece piece;
  if (kept.empty() && count > 0)
    piece.made = source->make_range(static_cast<network_id_t>(range.first + first), count);
  for (std::uint64_t k = 0; k < count; ++k)
    piece.nets.push_back(kept.empty() ? &piece.made[k] : &kept[first + k]);
  return piece;
}

double LocalPlan::total_neurons() const {
  double n = 0;
  for (ordinal_t k : neurons) n += k;
  return n;
}

bool keeps_networks(const NetworkSource& source, const NetworkRange range) {
  if (source.from_file()) return true;
  double expected = 0;
  for (std::uint64_t j = 0; j < range.count; ++j) {
    const auto g = static_cast<network_id_t>(range.first + j);
    expected += kept_network_bytes(1, source.neurons(g), source.expected_synapses(g));
  }
  return expected <= keep_networks_bytes();
}

double keep_networks_bytes() {
  const char* mib = std::getenv("KASCADE_KEEP_NETWORKS_MIB");
  if (mib == nullptr || *mib == '\0') return 256.0 * 1048576.0;
  char* end = nullptr;
  const double v = std::strtod(mib, &end);
  require(end != mib && *end == '\0' && v >= 0 && v <= 1e12,
          std::string("KASCADE_KEEP_NETWORKS_MIB = '") + mib +
              "' (environment): needs a number of MiB from 0 to 1e12");
  return v * 1048576.0;
}

void wait_for_every_rank(MPI_Comm comm, const std::function<void()>& idle) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks == 1) return idle();
  MPI_Request request;
  MPI_Ibarrier(comm, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    idle();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void rethrow_first_error(MPI_Comm comm, const std::string& local_error, bool input) {
  detail::fail_together(!local_error.empty(), local_error, comm, input);
}

}  // namespace kascade::app
