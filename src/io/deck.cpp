#include "kascade/io/deck.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "io/deck_text.hpp"
#include "kascade/core/error.hpp"
#include "kascade/core/name_hint.hpp"
#include "kascade/io/deck_table.hpp"
#include "kascade/io/stimulus_file.hpp"
#include "kascade/tune/tuner.hpp"

namespace kascade {

namespace {

std::int64_t positive(DeckTable& t, const std::string& key, std::int64_t fallback,
                      std::int64_t minimum, std::int64_t maximum, const std::string& file,
                      const std::string& prefix) {
  const std::int64_t v = t.integer(key, fallback);
  require(v >= minimum && v <= maximum,
          file + ": key '" + prefix + key + "' must be in [" + std::to_string(minimum) + ", " +
              std::to_string(maximum) + "], got " + std::to_string(v));
  return v;
}

// The weight law's own keys: mean/std, low/high, mu/sigma or value.
void read_weights(DeckTable& t, RandomGraphParams& g, const std::string& prefix) {
  g.weights = parse_weight_law(t.string("weights", "normal"), prefix + "weights");
  switch (g.weights) {
    case WeightLaw::normal:
      g.a = t.real("mean", 0.0), g.b = t.real("std", 1.0);
      break;
    case WeightLaw::uniform:
      g.a = t.real("low", -1.0), g.b = t.real("high", 1.0);
      break;
    case WeightLaw::lognormal:
      g.a = t.real("mu", 0.0), g.b = t.real("sigma", 1.0);
      break;
    case WeightLaw::constant:
      g.a = t.real("value", 1.0);
      break;
  }
}

// Keys every random generator shares.
void read_signs(DeckTable& t, RandomGraphParams& g, bool dale, double excitatory_fraction,
                const std::string& prefix) {
  g.glorot = t.boolean("glorot", false);
  g.dale = t.boolean("dale", dale);
  g.excitatory_fraction = t.real("excitatory_fraction", excitatory_fraction);
  g.inhibitory_scale = t.real("inhibitory_scale", 1.0);
  const std::string types = t.string("excitatory_neurons", "first");
  require(types == "first" || types == "random",
          "key '" + prefix + "excitatory_neurons' must be first or random (got \"" + types + "\")");
  g.random_types = types == "random";
  g.self_connections = t.boolean("self_connections", false);
}

void read_generator(DeckTable t, NetworkSource& s, const std::string& generator) {
  RandomGraphParams& g = s.random_graph;
  const std::string prefix = "networks." + generator + ".";
  if (generator == "normal") {  // the predecessor's NormalGenerator, without its defects
    g.weights = WeightLaw::normal;
    g.a = t.real("mean", 0.0);
    g.b = t.real("std", 1.0);
    g.connection_probability = 1.0 - t.real("sparsity", 0.5);
    read_signs(t, g, true, 0.5, prefix);
  } else if (generator == "uniform") {  // the predecessor's UniformGenerator
    g.weights = WeightLaw::uniform;
    g.a = t.real("low", -1.0);
    g.b = t.real("high", 1.0);
    g.connection_probability = 1.0 - t.real("sparsity", 0.9);
    read_signs(t, g, false, 0.5, prefix);
  } else if (generator == "erdos_renyi") {
    g.connection_probability = t.real("p", 0.1);
    require(g.connection_probability >= 0 && g.connection_probability <= 1,
            prefix + "p must be in [0, 1]");
    read_weights(t, g, prefix);
    read_signs(t, g, true, 0.8, prefix);
  } else if (generator == "fixed_indegree") {
    g.topology = Topology::fixed_indegree;
    g.indegree = t.integer("k", 10);
    read_weights(t, g, prefix);
    read_signs(t, g, true, 0.8, prefix);
  } else if (generator == "mexican_hat") {
    s.kind = SourceKind::mexican_hat;
    s.mexican_hat.a = t.real("a", s.mexican_hat.a);
    s.mexican_hat.sigma_1 = t.real("sigma_1", s.mexican_hat.sigma_1);
    s.mexican_hat.sigma_2 = t.real("sigma_2", s.mexican_hat.sigma_2);
  }
  t.finish();
  if (generator == "normal" || generator == "uniform")
    require(g.connection_probability >= 0 && g.connection_probability <= 1,
            prefix + "sparsity must be in [0, 1]");
  if (s.kind == SourceKind::mexican_hat) {
    validate(s.mexican_hat);
    return;
  }
  // Sizes matter only for the fixed in-degree (k <= N - 1): check the smallest network.
  ordinal_t smallest = s.sizes.min;
  if (!s.sizes.fixed.empty())
    smallest = *std::min_element(s.sizes.fixed.begin(), s.sizes.fixed.end());
  validate(g, smallest, prefix);
}

// networks.generator = "npy" | "hdf5" | "sonata": the networks of a file, all or the first count.
void read_file_source(DeckTable& t, NetworkSource& s, const std::string& generator,
                      std::uint64_t count, const std::string& seedless_file) {
  DeckTable f = t.table(generator);
  const char* key = generator == "npy" ? "directory" : "file";
  const std::string given = f.string(key, "");
  f.finish();
  require(!given.empty(), "key 'networks." + generator + "." + key + "' is required");
  const SourceKind kind = generator == "npy"    ? SourceKind::npy_directory
                          : generator == "hdf5" ? SourceKind::hdf5_file
                                                : SourceKind::sonata_file;
  const std::uint64_t seed = s.seed;
  s = NetworkSource::from_file(kind, deck_relative(given, seedless_file), count);
  s.seed = seed;
}

// Keys that belong to another network source than `generator`, refused with what they are for
// (before DeckTable::finish(), which would only call them unknown).
void refuse_other_sources(const DeckTable& t, const std::string& generator, const bool from_file,
                          const std::vector<std::string>& sources, const std::string& file) {
  for (const std::string& key : t.unread()) {
    if (key != generator && std::find(sources.begin(), sources.end(), key) != sources.end())
      throw InputError(file + ": unknown key 'networks." + key + "' (the table of networks." +
                       "generator = \"" + key + "\"; this deck's generator is \"" + generator +
                       "\")");
    if (from_file && key == "neurons")
      throw InputError(file + ": unknown key 'networks.neurons' (networks from a file have the " +
                       "sizes the file gives)");
  }
}

// networks.generator's choices: the generators, then the files.
constexpr const char* known[] = {"normal",      "uniform", "erdos_renyi", "fixed_indegree",
                                 "mexican_hat", "npy",     "hdf5",        "sonata"};

// A generator chosen by --set drops the deck's tables of the other sources (the deck's own
// choice's, say): they were the deck's settings for a choice no longer made, which would
// otherwise refuse the override ("unknown key 'networks.normal'"). A table that an override
// sets a key of stays (and is refused: that --set means something that will not happen).
void drop_other_sources(toml::value& root,
                        const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (!root.contains("networks") || !root.at("networks").is_table()) return;
  auto& networks = root.at("networks").as_table();
  const auto chosen = networks.find("generator");
  if (chosen == networks.end() || !chosen->second.is_string()) return;
  for (const char* source : known)
    if (source != chosen->second.as_string().str) {
      const auto it = networks.find(source);
      const std::string prefix = std::string("networks.") + source + ".";
      const bool overridden = std::any_of(overrides.begin(), overrides.end(), [&](const auto& o) {
        return o.second.rfind(prefix, 0) == 0;
      });
      if (it != networks.end() && it->second.is_table() && !overridden) networks.erase(it);
    }
}

void read_networks(DeckTable t, NetworkSource& s, const std::string& file) {
  const auto most = kMostNeurons;  // (per network)
  const std::string generator = t.string("generator", "normal");
  if (std::find(std::begin(known), std::end(known), generator) == std::end(known))
    throw InputError(
        file + ": " +
        not_one_of("networks.generator", {std::begin(known), std::end(known)}, generator));
  const bool from_file = generator == "npy" || generator == "hdf5" || generator == "sonata";
  const std::int64_t count_max = std::numeric_limits<network_id_t>::max();
  try {
    if (from_file) {  // count optional (0: every network of the file); sizes come from the file
      const auto count = positive(t, "count", 0, 0, count_max, file, "networks.");
      refuse_other_sources(t, generator, true, {std::begin(known), std::end(known)}, file);
      read_file_source(t, s, generator, static_cast<std::uint64_t>(count), file);
      t.finish();
      return;
    }
    s.count = static_cast<std::uint64_t>(positive(t, "count", 1, 1, count_max, file, "networks."));
    if (t.table_at("neurons") && !t.values_file("neurons")) {  // { min, max }
      DeckTable range = t.table("neurons");
      s.sizes.min =
          static_cast<ordinal_t>(positive(range, "min", 1, 1, most, file, "networks.neurons."));
      s.sizes.max = static_cast<ordinal_t>(
          positive(range, "max", s.sizes.min, s.sizes.min, most, file, "networks.neurons."));
      range.finish();
    } else {
      const std::vector<double> sizes = t.numbers("neurons", 20, s.count, true);
      for (std::size_t g = 0; g < sizes.size(); ++g) {
        require(sizes[g] >= 1 && sizes[g] <= most,
                file + ": key 'networks.neurons' must be in [1, " + std::to_string(most) + "]" +
                    which_network(g, sizes.size()));
        s.sizes.fixed.push_back(static_cast<ordinal_t>(sizes[g]));
      }
    }
    read_generator(t.table(generator), s, generator);
    refuse_other_sources(t, generator, false, {std::begin(known), std::end(known)}, file);
  } catch (const InputError& e) {
    const std::string what = e.what();
    throw InputError(what.rfind(file + ":", 0) == 0 ? what : file + ": " + what);
  }
  t.finish();
}

void read_model(DeckTable t, ModelDefinition& m, std::size_t networks, const std::string& file) {
  m.preset = t.string("preset", m.preset);
  const Preset* preset = nullptr;
  try {
    preset = &find_preset(m.preset);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  for (const ParameterSpec& spec : preset->parameters)
    m.values[spec.name] = t.numbers(spec.name, spec.fallback, networks, spec.integer,
                                    "/networks/parameters/" + spec.name);
  const ParameterSet defaults = preset_defaults(*preset);
  for (const std::string& choice : preset->choices)
    m.choices[choice] = t.string(choice, defaults.choice(choice));
  if (preset->name == "custom") {
    for (const char* kernel : {"coupling_taps", "self_taps"}) {
      auto taps = t.number_list(kernel);
      if (!taps.empty()) m.kernels[kernel] = taps;
    }
  }
  for (const std::string& key : t.unread()) {  // another preset's key, most likely
    std::vector<std::string> owners;
    for (const Preset& p : presets()) {
      bool has = std::find(p.choices.begin(), p.choices.end(), key) != p.choices.end();
      for (const ParameterSpec& spec : p.parameters) has = has || spec.name == key;
      if (has) owners.push_back(p.name);
    }
    std::string list;
    for (std::size_t k = 0; k < owners.size(); ++k)
      list += (k == 0 ? "" : k + 1 == owners.size() ? " and " : ", ") + owners[k];
    require(owners.empty(), file + ": unknown key 'model." + key + "': a key of preset" +
                                (owners.size() > 1 ? "s " : " ") + list + ", not of \"" + m.preset +
                                "\"");
  }
  t.finish();
  for (const char* shared : {"dt", "squared_noise"}) {  // they change a batch's structure
    if (!m.values.count(shared)) continue;
    auto& v = m.values[shared];  // (equal values, e.g. a kascade output's, are one value)
    if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); })) v.resize(1);
    require(v.size() == 1,
            file + ": key 'model." + shared + "' must be one value for all networks");
  }
  // Build every distinct network's model once, so impossible values fail before any work. They
  // share one form: a custom exponential coupling that decays is a trace, one that does not a
  // kernel summed lag by lag (presets.cpp).
  std::size_t distinct = 1;
  for (const auto& [name, v] : m.values) distinct = std::max(distinct, v.size());
  Coupling form = Coupling::kernel;
  for (std::size_t g = 0; g < distinct; ++g) {
    Coupling coupling = Coupling::kernel;
    try {
      coupling = m.build(static_cast<network_id_t>(g)).coupling;
    } catch (const InputError& e) {
      throw InputError(file + ": " + e.what() +
                       (distinct > 1 ? " (network " + std::to_string(g) + ")" : ""));
    }
    if (g == 0) form = coupling;
    require(coupling == form,
            file +
                ": key 'model.coupling_decay' must be > 0 for every network or for none (a "
                "kernel that decays is kept as a trace, one that does not is summed lag by lag, "
                "and the networks of a run share one form)");
  }
}

void read_simulation(DeckTable t, SimulationConfig& c, const std::string& file) {
  const std::int64_t big = std::int64_t(1) << 40;
  c.steps = positive(t, "steps", c.steps, 1, big, file, "simulation.");
  c.equilibration_steps =
      positive(t, "equilibration_steps", c.equilibration_steps, 0, big, file, "simulation.");
  c.batch_size = positive(t, "batch_size", c.batch_size, 0,
                          std::numeric_limits<network_id_t>::max(), file, "simulation.");
  c.record_interval =
      positive(t, "record_interval", c.record_interval, 1, big, file, "simulation.");
  c.checkpoint_every = t.real("checkpoint_every", c.checkpoint_every);
  c.memory_budget_gib = t.real("memory_budget_gib", c.memory_budget_gib);
  require(c.memory_budget_gib > 0, file + ": key 'simulation.memory_budget_gib' must be > 0");
  c.runaway_rate_hz = t.real("runaway_rate_hz", 500.0);
  require(c.runaway_rate_hz >= 0 && std::isfinite(c.runaway_rate_hz),
          file + ": key 'simulation.runaway_rate_hz' must be a finite rate >= 0 (0: no check)");
  const std::string action = t.string("runaway_action", "report");
  require(
      action == "report" || action == "stop",
      file + ": key 'simulation.runaway_action' must be report or stop (got \"" + action + "\")");
  c.runaway_stop = action == "stop";
  c.spike_seed = t.integer("spike_seed", -1);
  require(c.spike_seed >= -1,
          file + ": key 'simulation.spike_seed' must be >= 0 (or -1: the seed)");
  t.finish();
}

void read_stimulus(DeckTable t, std::size_t index, std::size_t networks, StimulusSpec& spec,
                   const std::string& file) {
  const std::string prefix = "stimulus[" + std::to_string(index) + "].";
  spec.name = t.string("name", default_stimulus_name(index));
  require(!spec.name.empty() && spec.name.find('/') == std::string::npos && spec.name != "." &&
              spec.name != "..",
          file + ": key '" + prefix + "name' must be a non-empty name without '/'");
  try {
    spec.kind = parse_stimulus_kind(t.string("kind", "regular"), prefix + "kind");
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  for (const auto& [key, fallback] : stimulus_parameters(spec.kind))
    spec.values[key] =
        t.numbers(key, fallback, networks, false, "/stimuli/" + spec.name + "/" + key);
  if (spec.kind == StimulusKind::poisson) {
    const std::string law = t.string("intervals", "poisson");
    require(law == "poisson" || law == "geometric",
            file + ": " + not_one_of(prefix + "intervals", {"poisson", "geometric"}, law));
    spec.geometric_intervals = law == "geometric";
  }
  if (spec.kind == StimulusKind::loaded) {
    const std::string given = t.string("file", "");
    require(!given.empty(), file + ": key '" + prefix + "file' is required for a loaded stimulus" +
                                t.predecessor_names());
    spec.file = deck_relative(given, file);
    spec.dataset = t.string("dataset", "stimulus");
    spec.channel_weights = t.number_list("channel_weights");
    StimulusArrayShape shape;
    try {
      shape = stimulus_array_shape(spec.file, spec.dataset);
      require(shape.networks >= networks, spec.file + ": dataset '" + spec.dataset + "' holds " +
                                              std::to_string(shape.networks) +
                                              " networks, fewer than the " +
                                              std::to_string(networks) + " of the deck");
    } catch (const InputError& e) {
      throw InputError(file + ": key '" + prefix + "file': " + e.what());
    }
    if (shape.channels == 0)
      require(spec.channel_weights.empty(),
              file + ": key '" + prefix + "channel_weights' is for a 4-D array of channels, but " +
                  spec.file + "'s dataset '" + spec.dataset +
                  "' is 3-D (networks x steps x neurons): remove the key");
    else
      require(spec.channel_weights.size() == shape.channels,
              file + ": key '" + prefix + "channel_weights' must give one weight for each of the " +
                  std::to_string(shape.channels) + " channels of " + spec.file);
    spec.array_networks = shape.networks;
    spec.array_steps = shape.steps;
    spec.array_neurons = shape.neurons;
  }
  const std::string targets = t.string("targets", "all");
  if (targets == "all") {
    spec.targeting = Targeting::all;
  } else if (targets == "list") {
    spec.targeting = Targeting::list;
    for (const auto& list : t.integer_lists("neurons", networks)) {
      std::vector<ordinal_t> l;
      for (auto i : list) {
        require(i >= 0 && i <= std::numeric_limits<ordinal_t>::max(),
                file + ": key '" + prefix + "neurons' holds a negative or too large index");
        l.push_back(static_cast<ordinal_t>(i));
      }
      spec.lists.push_back(std::move(l));
    }
    require(!spec.lists.empty(),
            file + ": key '" + prefix + "neurons' is required with targets = \"list\"");
  } else if (targets == "fraction" || targets == "count") {
    spec.targeting = targets == "fraction" ? Targeting::fraction : Targeting::count;
    spec.amount =
        t.numbers(targets, targets == "fraction" ? 0.1 : 1.0, networks, targets == "count");
  } else {
    throw InputError(file + ": " +
                     not_one_of(prefix + "targets", {"all", "list", "fraction", "count"}, targets));
  }
  // A key of another targeting (the likely slip: a list of neurons under the default "all").
  for (const char* key : {"neurons", "fraction", "count"}) {
    const std::string wants = std::string(key) == "neurons" ? "list" : key;
    require(!t.has(key) || wants == targets,
            file + ": key '" + prefix + key + "' is read only with targets = \"" + wants +
                "\" (this stimulus has targets = \"" + targets + "\"): set " + prefix +
                "targets = \"" + wants + "\", or remove the key");
  }
  t.finish();
  try {
    validate(spec, prefix);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
}

// [tune]: which parameters, toward which rates, how.
TuneSettings read_tune(DeckTable t, std::size_t networks, const SimulationConfig& simulation,
                       const std::string& file) {
  TuneSettings s;
  s.equilibration_steps = simulation.equilibration_steps;  // as the simulation, by default
  const std::string prefix = "tune.";
  for (const std::string& name : t.string_list("parameters", {"theta"}))
    s.parameters.push_back(TunedParameter{name});
  require(!s.parameters.empty(), file + ": key 'tune.parameters' must name at least one parameter");
  for (const std::string& name : t.string_list("shared", {})) {
    auto it = std::find_if(s.parameters.begin(), s.parameters.end(),
                           [&](const TunedParameter& p) { return p.name == name; });
    require(it != s.parameters.end(),
            file + ": key 'tune.shared' names '" + name + "', which tune.parameters does not list");
    it->shared = true;
  }
  DeckTable bounds = t.table("bounds");
  for (TunedParameter& p : s.parameters) {
    const auto b = bounds.number_list(p.name);
    if (b.empty()) continue;
    const std::string key = file + ": key 'tune.bounds." + p.name + "'";
    require(b.size() == 2,
            key + " must be two numbers, [min, max]; it has " + std::to_string(b.size()));
    require(b[0] <= b[1], key + " must be [min, max] with min <= max");
    p.lower = b[0], p.upper = b[1];
  }
  try {
    bounds.finish();
  } catch (const InputError& e) {  // (bounds left from another tune.parameters, most likely)
    throw InputError(std::string(e.what()) +
                     "; tune.bounds takes the parameters that tune.parameters lists (" +
                     parameter_list(s) + ")");
  }
  if (t.nested_array("target_rate")) {
    s.neuron_targets = t.number_lists("target_rate", networks);
    s.target_hz.clear();
  } else {
    s.target_hz = t.numbers("target_rate", 10.0, networks, false);
  }
  auto check_rate = [&](double r) {
    require(r > 0 && std::isfinite(r),
            file + ": key 'tune.target_rate' must hold finite rates > 0 Hz");
  };
  for (double r : s.target_hz) check_rate(r);
  for (const auto& list : s.neuron_targets)
    for (double r : list) check_rate(r);
  try {
    s.method = parse_tune_method(t.string("method", to_string(s.method)), prefix + "method");
    s.loss = parse_tune_loss(t.string("loss", to_string(s.loss)), prefix + "loss");
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  const std::int64_t big = std::int64_t(1) << 40;
  s.max_epochs = static_cast<int>(positive(t, "epochs", s.max_epochs, 1, 1000000, file, prefix));
  s.steps_given = t.has("steps");
  s.steps = positive(t, "steps", 100, 1, big, file, prefix);
  s.equilibration_steps =
      positive(t, "equilibration_steps", simulation.equilibration_steps, 0, big, file, prefix);
  s.tolerance = t.real("tolerance", s.tolerance);
  require(s.tolerance > 0 && s.tolerance < 1, file + ": key 'tune.tolerance' must be in (0, 1)");
  s.learning_rate = t.real("learning_rate", s.learning_rate);
  require(s.learning_rate > 0 && std::isfinite(s.learning_rate),
          file + ": key 'tune.learning_rate' must be > 0");
  t.finish();
  try {
    resolved_method(s);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  return s;
}

// Where a stimulus changes within the run, windows of it differ in their drive: the root
// finder's epochs then measure the whole run unless tune.steps says otherwise; where the stimuli
// repeat, its epochs measure whole repeats (tune_plan warns of a tune.steps that does not).
void measure_changing_stimuli(RunConfig& c) {
  TuneSettings& s = *c.tune;
  if (s.steps >= s.cycle_steps) {
    if (!s.steps_given) s.steps = s.cycle_steps;  // (the default window, longer than the run)
    return;
  }
  for (const StimulusSpec& spec : c.stimuli) {
    bool per_network = false;  // (else network 0 stands for all)
    for (const auto& [key, values] : spec.values) per_network = per_network || values.size() > 1;
    const std::uint64_t networks = per_network ? c.networks.count : 1;
    for (std::uint64_t g = 0; g < networks && s.changing_stimulus.empty(); ++g) {
      const step_t r = repeat_steps(spec, static_cast<network_id_t>(g), s.cycle_steps);
      const step_t common = r == 0 ? 0 : std::gcd(s.stimulus_repeat, r);
      if (r == 0 || s.stimulus_repeat / common > s.cycle_steps / r) {  // (the lcm > the run)
        s.changing_stimulus = spec.name;
      } else if (s.stimulus_repeat % r != 0) {
        s.stimulus_repeat = s.stimulus_repeat / common * r;
        s.repeating_stimulus = spec.name;
      }
    }
  }
  // (Adam's steps average over windows as over minibatches; the root finder's may not)
  if (s.steps_given || resolved_method(s) != TuneMethod::newton) return;
  s.steps = s.changing_stimulus.empty() ? whole_repeats(s) : s.cycle_steps;
}

// The configuration of a parsed deck (overrides applied; they are recorded in its text).
RunConfig read_config(toml::value& root, const std::string& text, const std::string& name,
                      const std::vector<std::string>& overrides) {
  RunConfig config;
  config.deck_path = name;
  config.deck_text = text;
  for (const auto& o : overrides) config.deck_text += "\n# --set " + o;
  config.identity = deck_values_text(root);
  DeckTable top(&root, "", name);
  try {  // (a message about a key whose values came from a file names the file too)
    const std::int64_t seed = top.integer("seed", 0);
    require(seed >= 0, name + ": key 'seed' must be >= 0");
    config.seed = static_cast<std::uint64_t>(seed);
    config.output = top.string("output", config.output);
    require(!config.output.empty(), name + ": key 'output' must not be empty");
    config.networks.seed = config.seed;
    read_networks(top.table("networks"), config.networks, name);
    read_model(top.table("model"), config.model, static_cast<std::size_t>(config.networks.count),
               name);
    read_simulation(top.table("simulation"), config.simulation, name);
    // A neuron takes at least 64 bytes on the device (rings, state, the recorded chunk), a
    // synapse 16 (its entries in the rows and in the columns).
    const double budget = config.simulation.memory_budget_gib * 1073741824.0;
    config.networks.limits =
        LoadLimits(static_cast<std::int64_t>(std::min(2147483647.0, budget / 64.0)),
                   static_cast<std::uint64_t>(std::min(1.8e19, budget / 16.0)));
    const auto stimuli = top.tables("stimulus");
    for (std::size_t k = 0; k < stimuli.size(); ++k) {
      config.stimuli.emplace_back();
      read_stimulus(stimuli[k], k, static_cast<std::size_t>(config.networks.count),
                    config.stimuli.back(), name);
      for (std::size_t other = 0; other < k; ++other)
        require(config.stimuli[other].name != config.stimuli[k].name,
                name + ": stimulus[" + std::to_string(k) + "].name '" + config.stimuli[k].name +
                    "' is already used by stimulus[" + std::to_string(other) + "]");
    }
    if (top.table_at("tune")) {
      config.tune = read_tune(top.table("tune"), static_cast<std::size_t>(config.networks.count),
                              config.simulation, name);
      config.tune->seed = config.seed;
      config.tune->cycle_steps = config.simulation.steps;
      config.tune->chunk_steps = config.simulation.record_interval;
      measure_changing_stimuli(config);
      try {
        validate_tuning(*config.tune, tuning_problem(config));
      } catch (const InputError& e) {
        throw InputError(name + ": " + e.what());
      }
    }
    top.finish();
  } catch (const InputError& e) {
    throw InputError(top.with_value_sources(e.what()));
  }
  for (const auto& values : top.values_from_files()) {
    config.deck_text += "\n# " + values.key + " = " + values.record;
    config.identity += "\n# " + values.key + " = " + values.record;
    config.value_sources.push_back(values);
  }
  return config;
}

}  // namespace

RunConfig parse_deck(const std::string& text, const std::string& name,
                     const std::vector<std::string>& overrides) {
  toml::value root = parse_toml(text, name);
  std::vector<std::pair<std::string, std::string>> override_keys;  // (assignment, key)
  for (const auto& o : overrides) override_keys.emplace_back(o, apply_override(root, o));
  for (const auto& [assignment, key] : override_keys)
    if (key == "networks.generator") drop_other_sources(root, override_keys);
  try {
    return read_config(root, text, name, overrides);
  } catch (const InputError& e) {
    throw InputError(blame_override(e.what(), name, override_keys));
  }
}

TuneProblem tuning_problem(const RunConfig& config) {
  TuneProblem problem;
  problem.preset = &find_preset(config.model.preset);
  problem.example = config.model.parameters(0);
  for (const StimulusSpec& spec : config.stimuli) {
    problem.stimulus_names.push_back(spec.name);
    problem.stimulus_tunable.push_back(spec.kind != StimulusKind::loaded);
    problem.stimulus_sinusoid.push_back(spec.kind == StimulusKind::sinusoid);
  }
  return problem;
}

RunConfig read_deck(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path + ": is a directory, not a deck");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the deck");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_deck(text.str(), path, overrides);
}

}  // namespace kascade
