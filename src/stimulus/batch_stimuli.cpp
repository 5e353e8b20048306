#include "kascade/stimulus/batch_stimuli.hpp"

#include <algorithm>

namespace kascade {

template <class MemorySpace>
BatchStimuli<MemorySpace> make_batch_stimuli(
    const std::vector<StimulusKind>& kinds,
    const std::vector<std::vector<RealisedStimulus>>& realised,
    const std::vector<ordinal_t>& neuron_offset, const std::vector<LoadedValues>& loaded) {
  using S = BatchStimuli<MemorySpace>;
  S s;
  s.count = static_cast<int>(kinds.size());
  const std::size_t K = kinds.size(), G = neuron_offset.size() - 1;
  const auto N = static_cast<std::size_t>(neuron_offset.back());
  s.kinds = decltype(s.kinds)("kascade::stimulus_kinds", K);
  s.parameters = decltype(s.parameters)("kascade::stimulus_parameters", K, G, S::n_parameters);
  s.weights = decltype(s.weights)("kascade::stimulus_weights", K, N);
  s.onset_ptr = decltype(s.onset_ptr)("kascade::stimulus_onset_ptr", K, G + 1);
  auto kinds_h = Kokkos::create_mirror_view(s.kinds);
  auto params_h = Kokkos::create_mirror_view(s.parameters);
  auto weights_h = Kokkos::create_mirror_view(s.weights);
  auto ptr_h = Kokkos::create_mirror_view(s.onset_ptr);
  Kokkos::deep_copy(weights_h, real_t(0));
  std::vector<step_t> onsets;
  for (std::size_t k = 0; k < K; ++k) {
    kinds_h(k) = static_cast<int>(kinds[k]);
    for (std::size_t g = 0; g < G; ++g) {
      const RealisedStimulus& r = realised[k][g];
      const double values[S::n_parameters] = {r.strength, r.period, r.width,   r.start,
                                              r.stop,     r.phase,  r.baseline};
      for (int p = 0; p < S::n_parameters; ++p) params_h(k, g, p) = values[p];
      for (ordinal_t i : r.targets) weights_h(k, neuron_offset[g] + i) = real_t(1);
      ptr_h(k, g) = onsets.size();
      onsets.insert(onsets.end(), r.onsets.begin(), r.onsets.end());
    }
    ptr_h(k, G) = onsets.size();
  }
  s.onsets = decltype(s.onsets)("kascade::stimulus_onsets", onsets.size());
  Kokkos::deep_copy(s.onsets,
                    Kokkos::View<const step_t*, Kokkos::HostSpace>(onsets.data(), onsets.size()));
  Kokkos::deep_copy(s.kinds, kinds_h);
  Kokkos::deep_copy(s.parameters, params_h);
  Kokkos::deep_copy(s.weights, weights_h);
  Kokkos::deep_copy(s.onset_ptr, ptr_h);

  // Each network's loaded stimuli summed over the union of their steps, network after network.
  if (!loaded.empty()) {
    using Field = typename S::LoadedField;
    s.loaded_at = decltype(s.loaded_at)("kascade::loaded_at", G);
    auto at = Kokkos::create_mirror_view(s.loaded_at);
    std::int64_t size = 0;
    for (std::size_t g = 0; g < G; ++g) {
      step_t t0 = loaded[0].start[g], t1 = t0 + loaded[0].steps;
      for (const auto& l : loaded)
        t0 = std::min(t0, l.start[g]), t1 = std::max(t1, l.start[g] + l.steps);
      const std::int64_t n = neuron_offset[g + 1] - neuron_offset[g];
      at(g, Field::first_step) = t0;
      at(g, Field::rows) = t1 - t0;
      at(g, Field::row_zero) = size - neuron_offset[g];  // (+ the batch neuron)
      at(g, Field::row_width) = n;
      size += (t1 - t0) * n;
    }
    s.loaded = decltype(s.loaded)("kascade::loaded_stimuli", static_cast<std::size_t>(size));
    auto h = Kokkos::create_mirror_view(s.loaded);
    Kokkos::deep_copy(h, real_t(0));
    for (const auto& l : loaded)
      for (std::size_t g = 0; g < G; ++g) {
        const std::int64_t n = at(g, Field::row_width), shift = l.start[g] - at(g, Field::first_step);
        const real_t* from = &l.values[static_cast<std::size_t>(l.steps * neuron_offset[g])];
        real_t* to = &h(static_cast<std::size_t>(at(g, Field::row_zero) + neuron_offset[g]));
        for (step_t r = 0; r < l.steps; ++r)
          for (std::int64_t i = 0; i < n; ++i) to[(shift + r) * n + i] += from[r * n + i];
      }
    Kokkos::deep_copy(s.loaded, h);
    Kokkos::deep_copy(s.loaded_at, at);
  }
  return s;
}

template BatchStimuli<Kokkos::DefaultExecutionSpace::memory_space> make_batch_stimuli(
    const std::vector<StimulusKind>&, const std::vector<std::vector<RealisedStimulus>>&,
    const std::vector<ordinal_t>&, const std::vector<LoadedValues>&);

}  // namespace kascade
