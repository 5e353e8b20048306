#include "kascade/model/batch_model.hpp"

#include "kascade/core/error.hpp"

namespace kascade {

template <class MemorySpace>
BatchModel<MemorySpace> make_batch_model(const std::vector<const CascadeModel*>& models) {
  require(!models.empty(), "batch model: no networks");
  BatchModel<MemorySpace> bm;
  const CascadeModel& first = *models.front();
  bm.nonlinearity = first.nonlinearity;
  bm.emission = first.emission;
  bm.kernel_length = first.kernel_length();
  const auto G = models.size();
  const auto T = static_cast<std::size_t>(bm.kernel_length);
  using kernel_view = decltype(bm.coupling_kernel);
  using param_view = decltype(bm.r);
  bm.coupling_kernel = kernel_view("kascade::coupling_kernel", G, T);
  bm.self_kernel = kernel_view("kascade::self_kernel", G, T);
  auto hc = Kokkos::create_mirror_view(bm.coupling_kernel);
  auto hs = Kokkos::create_mirror_view(bm.self_kernel);
  param_view* params[] = {&bm.r, &bm.b, &bm.theta, &bm.gain, &bm.slope, &bm.dt};
  const char* names[] = {"r", "b", "theta", "gain", "slope", "dt"};
  std::vector<typename param_view::HostMirror> host(6);
  for (int k = 0; k < 6; ++k) {
    *params[k] = param_view(std::string("kascade::") + names[k], G);
    host[k] = Kokkos::create_mirror_view(*params[k]);
  }
  for (std::size_t g = 0; g < G; ++g) {
    const CascadeModel& m = *models[g];
    require(m.nonlinearity == first.nonlinearity && m.emission == first.emission &&
                m.kernel_length() == first.kernel_length() &&
                m.self_kernel.size() == m.coupling_kernel.size(),
            "batch model: networks of one batch must share nonlinearity, emission and kernel length");
    for (std::size_t t = 0; t < T; ++t) {
      hc(g, t) = m.coupling_kernel[t];
      hs(g, t) = m.self_kernel[t];
    }
    const real_t values[] = {m.r, m.b, m.theta, m.gain, m.slope, m.dt};
    for (int k = 0; k < 6; ++k) host[k](g) = values[k];
  }
  Kokkos::deep_copy(bm.coupling_kernel, hc);
  Kokkos::deep_copy(bm.self_kernel, hs);
  for (int k = 0; k < 6; ++k) Kokkos::deep_copy(*params[k], host[k]);
  return bm;
}

template BatchModel<Kokkos::DefaultExecutionSpace::memory_space> make_batch_model(
    const std::vector<const CascadeModel*>&);

}  // namespace kascade
