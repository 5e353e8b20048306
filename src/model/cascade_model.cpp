#include "kascade/model/cascade_model.hpp"

#include <algorithm>

#include "kascade/core/enum_names.hpp"
#include "kascade/core/error.hpp"

namespace kascade {

int CascadeModel::kernel_length() const {
  const int lags = coupling == Coupling::kernel ? static_cast<int>(coupling_kernel.size())
                                                : trace_window + 1;  // reads lag `window` too
  return std::max<int>({1, lags, static_cast<int>(self_kernel.size())});
}

const char* to_string(Nonlinearity f) {
  switch (f) {
    case Nonlinearity::sigmoid:
      return "sigmoid";
    case Nonlinearity::exponential:
      return "exponential";
    case Nonlinearity::rectified_linear:
      return "rectified_linear";
    case Nonlinearity::identity:
      return "identity";
    case Nonlinearity::softplus:
      return "softplus";
    case Nonlinearity::erfc:
      return "erfc";
    case Nonlinearity::extension:
      return "extension";
  }
  return "?";
}

const char* to_string(Emission e) {
  switch (e) {
    case Emission::bernoulli:
      return "bernoulli";
    case Emission::bernoulli_exp:
      return "bernoulli_exp";
    case Emission::poisson:
      return "poisson";
    case Emission::threshold:
      return "threshold";
  }
  return "?";
}

Nonlinearity parse_nonlinearity(const std::string& name, const std::string& key) {
  return parse_enum(
      {Nonlinearity::sigmoid, Nonlinearity::exponential, Nonlinearity::rectified_linear,
       Nonlinearity::identity, Nonlinearity::softplus, Nonlinearity::erfc, Nonlinearity::extension},
      name, key);
}

Emission parse_emission(const std::string& name, const std::string& key) {
  return parse_enum(
      {Emission::bernoulli, Emission::bernoulli_exp, Emission::poisson, Emission::threshold}, name,
      key);
}

}  // namespace kascade
