// The C++ extension point (docs/extending.md): the worked example's nonlinearity, instantiated
// here exactly as a user would, drives the firing probability; the stock engine refuses it.
#include <gtest/gtest.h>

#include <cmath>

#include "kascade/core/error.hpp"
#include "kascade/engine/engine_impl.hpp"
#include "kascade/model/presets.hpp"

// (A named namespace: an explicit instantiation with a type of internal linkage would give the
// engine's members internal linkage, and those this test does not call would warn as unused.)
namespace extension_test {

// The worked example: phi(x) = x^3 for x > 0, else 0.
struct Cubic {
  KOKKOS_INLINE_FUNCTION kascade::real_t operator()(kascade::real_t x) const {
    return x > 0 ? x * x * x : kascade::real_t(0);
  }
};

}  // namespace extension_test

using extension_test::Cubic;
template class kascade::Engine<Kokkos::DefaultExecutionSpace, Cubic>;

namespace kascade {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

struct Count : Recorder {
  std::size_t spikes = 0;
  void record(const std::vector<SpikeEvents>& chunk) override {
    for (const auto& ev : chunk) spikes += ev.steps.size();
  }
};

CascadeModel cubic_model() {
  ParameterSet p = preset_defaults(find_preset("custom"), {{"theta", -0.5}});
  p.choices["nonlinearity"] = "extension";
  p.choices["coupling"] = "none";
  return build_custom(p);  // lambda = (0.5)^3 = 0.125 per ms, dt = 1: p = 0.125
}

TEST(Extension, UserNonlinearityDrivesTheFiringProbability) {
  const CascadeModel model = cubic_model();
  Network net;  // 20 neurons, no synapses
  net.n_neurons = 20;
  net.row_ptr.assign(21, 0);
  const std::int64_t steps = 5000, trials = steps * 20;
  Engine<Exec, Cubic> engine(make_batch<Mem>({&net}, {0}), make_batch_model<Mem>({&model}),
                             EngineSettings{99, 0, steps, 1000});
  engine.initialize_random();
  Count count;
  engine.run(count);
  // Binomial(trials, 0.125): two-sided 1e-6 bound, z = 4.8916.
  const double p = 0.125, sd = std::sqrt(trials * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count.spikes), trials * p, 4.8916 * sd);
}

TEST(Extension, EngineWithoutExtensionRefusesTheModel) {
  const CascadeModel model = cubic_model();
  Network net;
  net.n_neurons = 1;
  net.row_ptr.assign(2, 0);
  EXPECT_THROW((Engine<Exec>(make_batch<Mem>({&net}, {0}), make_batch_model<Mem>({&model}),
                             EngineSettings{1, 0, 1, 1})),
               InputError);
}

}  // namespace
}  // namespace kascade
