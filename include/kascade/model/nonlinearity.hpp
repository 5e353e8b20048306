#pragma once
// lambda = gain * phi(slope * (g - theta)) for each Nonlinearity, callable inside kernels.
#include "kascade/core/fast_exp.hpp"
#include "kascade/core/math.hpp"
#include "kascade/core/types.hpp"
#include "kascade/model/cascade_model.hpp"
#include "kascade/model/extension.hpp"

namespace kascade {

template <class Extension = NoExtension>
KOKKOS_INLINE_FUNCTION real_t apply_nonlinearity(Nonlinearity f, real_t g, real_t theta,
                                                 real_t gain, real_t slope,
                                                 const Extension& extension = Extension()) {
  const real_t x = slope * (g - theta);
  switch (f) {
    case Nonlinearity::sigmoid:
      return gain / (real_t(1) + math::fast_exp(-x));
    case Nonlinearity::exponential:
      return gain * math::fast_exp(x);
    case Nonlinearity::rectified_linear:
      return gain * (x > real_t(0) ? x : real_t(0));
    case Nonlinearity::identity:
      return gain * x;
    case Nonlinearity::softplus:  // log(1 + e^x), without overflow for large x
      return gain * (x > real_t(20) ? x : math::log1p(math::fast_exp(x)));
    case Nonlinearity::erfc:  // standard normal CDF: erfc(-x / sqrt 2) / 2
      return gain * real_t(0.5) * math::erfc(-x * real_t(0.70710678118654752));
    case Nonlinearity::extension:
      return gain * extension(x);
  }
  return real_t(0);
}

}  // namespace kascade
