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

  // All loaded stimuli summed into one array over the union of their time ranges.
  if (!loaded.empty()) {
    step_t t0 = loaded[0].start, t1 = loaded[0].start + loaded[0].steps;
    for (const auto& l : loaded) t0 = std::min(t0, l.start), t1 = std::max(t1, l.start + l.steps);
    s.loaded_start = t0;
    s.loaded = decltype(s.loaded)("kascade::loaded_stimuli", static_cast<std::size_t>(t1 - t0), N);
    auto h = Kokkos::create_mirror_view(s.loaded);
    Kokkos::deep_copy(h, real_t(0));
    for (const auto& l : loaded)
      for (step_t t = 0; t < l.steps; ++t)
        for (std::size_t i = 0; i < N; ++i) h(t + l.start - t0, i) += l.values[t * N + i];
    Kokkos::deep_copy(s.loaded, h);
  }
  return s;
}

template BatchStimuli<Kokkos::DefaultExecutionSpace::memory_space> make_batch_stimuli(
    const std::vector<StimulusKind>&, const std::vector<std::vector<RealisedStimulus>>&,
    const std::vector<ordinal_t>&, const std::vector<LoadedValues>&);

}  // namespace kascade
