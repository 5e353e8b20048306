#pragma once
// How a tuned parameter moves the model of one network: d(field)/d(parameter) for every field
// the step reads (r, b, theta, gain, slope, trace decay and gain, coupling and self taps, stimulus
// strengths). The kernels combine them with the analytic sensitivities of the step
// (tune/detail/sensitivity_step.hpp), so any preset parameter is tunable without code per preset.
#include <Kokkos_Core.hpp>
#include <string>
#include <vector>

#include "kascade/model/presets.hpp"

namespace kascade {

struct FieldDirection {
  enum Scalar { r, b, theta, gain, slope, trace_decay, trace_gain, n_scalars };
  double scalar[n_scalars] = {};
  std::vector<double> coupling, self;  // per lag
  std::vector<double> stimulus;        // per stimulus of the run
};

// d fields / d `name` at the values of `set`: a central difference of the preset's builder with a
// power-of-two step, exact for the fields that are linear in the parameter (r, b, theta, lambda_0
// ...) and second-order accurate for the others (kernel taps). InputError when the parameter
// changes what cannot be tuned (step length, windows, noise) or is not continuous.
FieldDirection model_direction(const Preset& preset, const ParameterSet& set,
                               const std::string& name, std::size_t n_stimuli);
// Whether two models of one preset share what tuning cannot change (step, windows, kernel
// lengths, noise, the coupling's form): a batch holds only models that do.
bool same_structure(const CascadeModel& a, const CascadeModel& b);
// +1 or -1 where `d` only shifts the input of `model` against its threshold (b, theta, ...), so
// that the rate rises or falls with the parameter whatever the network does; else 0.
double input_shift_sign(const FieldDirection& d, const CascadeModel& model);
// The strength of stimulus `k`.
FieldDirection stimulus_direction(std::size_t k, std::size_t n_stimuli);

// The directions of one batch on the device: [parameter][network][...].
template <class MemorySpace>
struct BatchDirections {
  enum Uses { coupling_taps = 1, self_taps = 2, stimuli = 4 };  // parts some network moves
  static constexpr int max_count = 16;
  int count = 0;
  int uses[max_count] = {};  // per parameter: the parts worth summing (theta needs none)
  Kokkos::View<double***, Kokkos::LayoutRight, MemorySpace> scalars, coupling, self, stimulus;
};

// `directions[p][j]`: parameter p, network j of the batch; taps zero-padded to `kernel_length`.
template <class MemorySpace>
BatchDirections<MemorySpace> make_batch_directions(
    const std::vector<std::vector<FieldDirection>>& directions, int kernel_length,
    std::size_t n_stimuli);

}  // namespace kascade
