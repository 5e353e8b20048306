#pragma once
// Named compositions of the cascade model (the predecessor's five models) and the "custom"
// composition a deck can assemble without recompiling. A preset lists its parameters (name,
// default, units, meaning) so decks, validation and docs all read from one table; its build
// function turns one network's parameter values into a CascadeModel.
#include <map>
#include <string>
#include <vector>

#include "kascade/model/cascade_model.hpp"

namespace kascade {

struct ParameterSpec {
  std::string name;
  double fallback = 0;
  bool integer = false;  // counts of steps
  std::string unit;      // "ms", "1/ms", "steps", "" (dimensionless)
  std::string meaning;
};

// One network's parameter values, plus the structural choices of a custom composition.
struct ParameterSet {
  std::map<std::string, double> values;
  std::map<std::string, std::string> choices;          // custom: nonlinearity, emission, ...
  std::map<std::string, std::vector<double>> kernels;  // custom: coupling_taps, self_taps
  double operator[](const std::string& name) const;    // throws if absent
  const std::string& choice(const std::string& name) const;
};

struct Preset {
  std::string name;
  std::string summary;
  std::vector<ParameterSpec> parameters;
  std::vector<std::string> choices;  // structural string keys (custom only)
  CascadeModel (*build)(const ParameterSet&);
};

const std::vector<Preset>& presets();
// The preset called `name`; InputError listing the known names otherwise.
const Preset& find_preset(const std::string& name);

// The predecessor's models (spec section 3). Exposed for tests and C++ users.
CascadeModel build_bernoulli_glm(const ParameterSet& p);
CascadeModel build_poisson_glm(const ParameterSet& p);
CascadeModel build_rectified_lnp(const ParameterSet& p);
CascadeModel build_threshold_sam(const ParameterSet& p);
CascadeModel build_rectified_sam(const ParameterSet& p);
CascadeModel build_custom(const ParameterSet& p);

// A model as a deck defines it: a preset and each parameter as one value for every network or
// one value per network.
struct ModelDefinition {
  std::string preset = "bernoulli_glm";
  std::map<std::string, std::vector<double>> values;  // size 1, or one entry per network
  std::map<std::string, std::string> choices;
  std::map<std::string, std::vector<double>> kernels;
  ParameterSet parameters(network_id_t network) const;
  CascadeModel build(network_id_t network) const;  // throws InputError naming the parameter
};

// A ParameterSet holding a preset's defaults, with `overrides` applied.
ParameterSet preset_defaults(const Preset& preset,
                             const std::map<std::string, double>& overrides = {});

}  // namespace kascade
