#include "kascade/tune/tune_settings.hpp"

#include <algorithm>

#include "kascade/core/enum_names.hpp"
#include "kascade/core/error.hpp"

namespace kascade {

const char* to_string(TuneMethod m) {
  switch (m) {
    case TuneMethod::automatic:
      return "automatic";
    case TuneMethod::newton:
      return "newton";
    case TuneMethod::adam:
      return "adam";
  }
  return "?";
}

const char* to_string(TuneLoss l) { return l == TuneLoss::squared ? "squared" : "squared_log"; }

TuneMethod parse_tune_method(const std::string& name, const std::string& key) {
  return parse_enum({TuneMethod::automatic, TuneMethod::newton, TuneMethod::adam}, name, key);
}

TuneLoss parse_tune_loss(const std::string& name, const std::string& key) {
  return parse_enum({TuneLoss::squared, TuneLoss::squared_log}, name, key);
}

TuneMethod resolved_method(const TuneSettings& s) {
  const bool one_per_network =
      s.parameters.size() == 1 && !s.parameters[0].shared && s.neuron_targets.empty();
  if (s.method == TuneMethod::automatic)
    return one_per_network ? TuneMethod::newton : TuneMethod::adam;
  require(s.method != TuneMethod::newton || one_per_network,
          "tune.method = \"newton\" tunes one per-network parameter toward a network rate; use "
          "\"adam\" for several parameters, shared ones or per-neuron targets");
  return s.method;
}

std::string parameter_list(const TuneSettings& s) {
  std::string names;
  for (const TunedParameter& p : s.parameters)
    names += (names.empty() ? "" : ", ") + p.name + (p.shared ? " (shared)" : "");
  return names;
}

StimulusParameter stimulus_parameter(const std::string& parameter,
                                     const std::vector<std::string>& names) {
  const std::string prefix = "stimulus.";
  StimulusParameter out;
  if (parameter.compare(0, prefix.size(), prefix) != 0) return out;
  out.index = -1;
  for (std::size_t k = 0; k < names.size(); ++k) {
    const std::string& n = names[k];
    if (parameter.size() > prefix.size() + n.size() + 1 &&
        parameter.compare(prefix.size(), n.size() + 1, n + ".") == 0 &&
        (out.index < 0 || n.size() > names[static_cast<std::size_t>(out.index)].size()))
      out.index = static_cast<int>(k);  // (the longest: "a.b" over "a")
  }
  if (out.index >= 0)
    out.what =
        parameter.substr(prefix.size() + names[static_cast<std::size_t>(out.index)].size() + 1);
  return out;
}

step_t whole_repeats(const TuneSettings& s) {
  const step_t r = s.stimulus_repeat;
  return std::min(s.cycle_steps, (s.steps + r - 1) / r * r);
}

}  // namespace kascade
