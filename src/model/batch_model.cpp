#include "kascade/model/batch_model.hpp"

#include <algorithm>
#include <cmath>

#include "kascade/core/error.hpp"

namespace kascade {

template <class MemorySpace>
BatchModel<MemorySpace> make_batch_model(const std::vector<const CascadeModel*>& models) {
  require(!models.empty(), "batch model: no networks");
  BatchModel<MemorySpace> bm;
  const CascadeModel& first = *models.front();
  bm.nonlinearity = first.nonlinearity;
  bm.emission = first.emission;
  bm.coupling = first.coupling;
  bm.noise = first.noise;
  bm.initial_state = first.initial_state;
  bm.kernel_length = 1;
  for (const CascadeModel* m : models) {
    require(m->nonlinearity == first.nonlinearity && m->emission == first.emission &&
                m->coupling == first.coupling && m->noise == first.noise &&
                m->initial_state == first.initial_state,
            "batch model: networks of one batch must share nonlinearity, emission, coupling, noise "
            "and initial state");
    bm.kernel_length = std::max(bm.kernel_length, m->kernel_length());
    // Trailing zero lags are skipped: they would only add exact zeros.
    int used = static_cast<int>(m->self_kernel.size());
    while (used > 0 && m->self_kernel[used - 1] == 0.0f) --used;
    bm.self_length = std::max(bm.self_length, used);
  }
  const auto G = models.size();
  const auto T = static_cast<std::size_t>(bm.kernel_length);
  using kernel_view = decltype(bm.coupling_kernel);
  using param_view = decltype(bm.r);
  bm.coupling_kernel = kernel_view("kascade::coupling_kernel", G, T);
  bm.self_kernel = kernel_view("kascade::self_kernel", G, T);
  auto hc = Kokkos::create_mirror_view(bm.coupling_kernel);
  auto hs = Kokkos::create_mirror_view(bm.self_kernel);
  Kokkos::deep_copy(hc, real_t(0));
  Kokkos::deep_copy(hs, real_t(0));

  constexpr int kParams = 11;
  param_view* params[kParams] = {&bm.r,          &bm.b,           &bm.theta,       &bm.gain,
                                 &bm.slope,      &bm.dt,          &bm.trace_decay, &bm.trace_gain,
                                 &bm.trace_tail, &bm.noise_sigma, &bm.noise_rho};
  std::vector<typename param_view::HostMirror> host(kParams);
  bm.trace_window = decltype(bm.trace_window)("kascade::trace_window", G);
  auto windows_h = Kokkos::create_mirror_view(bm.trace_window);
  for (int k = 0; k < kParams; ++k) {
    *params[k] = param_view("kascade::model_parameter", G);
    host[k] = Kokkos::create_mirror_view(*params[k]);
  }
  for (std::size_t g = 0; g < G; ++g) {
    const CascadeModel& m = *models[g];
    for (std::size_t t = 0; t < m.coupling_kernel.size(); ++t) hc(g, t) = m.coupling_kernel[t];
    for (std::size_t t = 0; t < m.self_kernel.size(); ++t) hs(g, t) = m.self_kernel[t];
    // The weight of the lag leaving the window: gain decay^window (0 without a window).
    const auto tail = static_cast<real_t>(
        m.trace_window > 0
            ? m.trace_gain * std::pow(static_cast<double>(m.trace_decay), m.trace_window)
            : 0.0);
    const real_t values[kParams] = {m.r,     m.b,           m.theta,       m.gain,
                                    m.slope, m.dt,          m.trace_decay, m.trace_gain,
                                    tail,    m.noise_sigma, m.noise_rho};
    for (int k = 0; k < kParams; ++k) host[k](g) = values[k];
    windows_h(g) = m.trace_window;
  }
  Kokkos::deep_copy(bm.coupling_kernel, hc);
  Kokkos::deep_copy(bm.self_kernel, hs);
  for (int k = 0; k < kParams; ++k) Kokkos::deep_copy(*params[k], host[k]);
  Kokkos::deep_copy(bm.trace_window, windows_h);
  return bm;
}

template BatchModel<Kokkos::DefaultExecutionSpace::memory_space> make_batch_model(
    const std::vector<const CascadeModel*>&);

}  // namespace kascade
