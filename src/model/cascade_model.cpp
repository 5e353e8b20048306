#include "kascade/model/cascade_model.hpp"

#include <algorithm>

#include "kascade/core/error.hpp"

namespace kascade {

namespace {

constexpr Nonlinearity kNonlinearities[] = {
    Nonlinearity::sigmoid,  Nonlinearity::exponential, Nonlinearity::rectified_linear,
    Nonlinearity::identity, Nonlinearity::softplus,    Nonlinearity::erfc,
    Nonlinearity::extension};
constexpr Emission kEmissions[] = {Emission::bernoulli, Emission::bernoulli_exp, Emission::poisson,
                                   Emission::threshold};

template <class Enum, std::size_t N>
Enum parse(const Enum (&all)[N], const std::string& name, const std::string& key) {
  std::string names;
  for (Enum e : all) {
    if (name == to_string(e)) return e;
    names += std::string(names.empty() ? "" : ", ") + to_string(e);
  }
  throw InputError("key '" + key + "' must be one of " + names + " (got \"" + name + "\")");
}

}  // namespace

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
  return parse(kNonlinearities, name, key);
}

Emission parse_emission(const std::string& name, const std::string& key) {
  return parse(kEmissions, name, key);
}

}  // namespace kascade
