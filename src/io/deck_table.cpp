#include "kascade/io/deck_table.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/core/fnv1a.hpp"
#include "kascade/core/name_hint.hpp"
#include "kascade/io/values_file.hpp"

namespace kascade {

namespace {

// "there are 4 networks", "there is 1 network": how many per-network values a key needs.
std::string there_are(const std::size_t networks) {
  return std::string(networks == 1 ? "there is " : "there are ") + count_text(networks, "network");
}

}  // namespace

std::string deck_relative(const std::string& path, const std::string& deck) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  const std::filesystem::path dir = std::filesystem::path(deck).parent_path();
  const std::string resolved = (dir / p).lexically_normal().string();
  // The likely slip (`--set 'model.theta={file="tuned.h5"}'` with the deck in another
  // directory): no such file there, but one of that name here. Said, not guessed at.
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(resolved, ec) && std::filesystem::exists(p, ec))
    throw InputError(resolved +
                     ": no such file; a relative path in a deck (also one given by "
                     "--set) is taken from the deck's directory, " +
                     dir.string() + "/: for ./" + path + " give its absolute path");
  return resolved;
}

DeckTable::DeckTable(const toml::value* table, std::string prefix, std::string file)
    : table_(table),
      prefix_(std::move(prefix)),
      file_(std::move(file)),
      from_files_(std::make_shared<std::vector<FileValues>>()) {}

DeckTable DeckTable::child(const toml::value* table, std::string prefix) const {
  DeckTable t(table, std::move(prefix), file_);
  t.from_files_ = from_files_;
  return t;
}

const toml::value* DeckTable::find(const std::string& key) {
  known_.insert(key);
  if (table_ == nullptr) return nullptr;
  const auto& t = table_->as_table();
  const auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

bool DeckTable::has(const std::string& key) const {
  return table_ != nullptr && table_->as_table().count(key) > 0;
}

void DeckTable::type_error(const std::string& key, const char* expected) const {
  throw InputError(file_ + ": key '" + name(key) + "' must be " + expected);
}

bool DeckTable::table_at(const std::string& key) const {
  return has(key) && table_->as_table().at(key).is_table();
}

bool DeckTable::values_file(const std::string& key) const {
  if (!table_at(key)) return false;
  const auto& t = table_->as_table().at(key).as_table();
  return t.count("file") > 0 || t.count("dataset") > 0;
}

double DeckTable::real(const std::string& key, double fallback) {
  const toml::value* v = find(key);
  if (v == nullptr) return fallback;
  double x = 0;
  if (v->is_floating())
    x = v->as_floating();
  else if (v->is_integer())
    x = static_cast<double>(v->as_integer());
  else
    type_error(key, "a number");
  if (!std::isfinite(x)) throw InputError(file_ + ": key '" + name(key) + "' must be finite");
  return x;
}

std::int64_t DeckTable::integer(const std::string& key, std::int64_t fallback) {
  const toml::value* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_integer()) type_error(key, "an integer");
  return v->as_integer();
}

bool DeckTable::boolean(const std::string& key, bool fallback) {
  const toml::value* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) type_error(key, "true or false");
  return v->as_boolean();
}

std::string DeckTable::string(const std::string& key, const std::string& fallback) {
  const toml::value* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) type_error(key, "a string");
  const std::string& s = v->as_string().str;
  if (s.find('\0') != std::string::npos)  // (TOML's "\u0000": a path would end there)
    throw InputError(file_ + ": key '" + name(key) + "' holds a NUL character");
  return s;
}

namespace {

double as_number(const toml::value& v, bool integer, bool& ok) {
  ok = true;
  if (v.is_integer()) return static_cast<double>(v.as_integer());
  if (v.is_floating() && !integer) return v.as_floating();
  ok = false;
  return 0;
}

}  // namespace

std::vector<double> DeckTable::numbers(const std::string& key, double fallback, std::size_t count,
                                       bool integer, const std::string& default_dataset) {
  const toml::value* v = find(key);
  if (v == nullptr) return {fallback};
  const char* expected =
      integer ? "an integer, an array of one integer per network or { file, dataset }"
              : "a number, an array of one number per network or { file, dataset }";
  std::vector<double> out;
  bool ok = true;
  if (v->is_table()) {
    out = file_numbers(key, *v, count, default_dataset);
  } else if (v->is_array()) {
    for (const auto& item : v->as_array()) {
      out.push_back(as_number(item, integer, ok));
      if (!ok) type_error(key, expected);
    }
    if (out.size() != count)
      throw InputError(file_ + ": key '" + name(key) + "' has " + std::to_string(out.size()) +
                       " values but " + there_are(count));
  } else {
    out.push_back(as_number(*v, integer, ok));
    if (!ok) type_error(key, expected);
  }
  for (std::size_t g = 0; g < out.size(); ++g) {
    const std::string which = which_network(g, out.size());
    const double x = out[g];
    if (!std::isfinite(x))
      throw InputError(file_ + ": key '" + name(key) + "' must be finite" + which);
    if (std::fabs(x) > 3.4e38)  // model parameters are float32
      throw InputError(file_ + ": key '" + name(key) + "' is outside the float32 range" + which);
    if (integer && x != std::floor(x)) {  // (only a file's values can be fractional here)
      throw InputError(file_ + ": key '" + name(key) + "' takes whole numbers, not " +
                       exact_text(x) + which);
    }
  }
  return out;
}

// { file = "x.h5", dataset = "/d" }: the values of the first `count` networks from that dataset.
std::vector<double> DeckTable::file_numbers(const std::string& key, const toml::value& spec,
                                            const std::size_t count,
                                            const std::string& default_dataset) {
  DeckTable t = child(&spec, name(key) + ".");
  const std::string given = t.string("file", "");
  std::string dataset = t.string("dataset", default_dataset);
  if (!dataset.empty() && dataset[0] != '/') dataset.insert(0, "/");
  t.finish();
  if (given.empty()) throw InputError(file_ + ": key '" + name(key) + ".file' is required");
  if (dataset.empty()) throw InputError(file_ + ": key '" + name(key) + ".dataset' is required");
  const std::string path = deck_relative(given, file_);
  std::vector<double> out;
  try {
    out = read_per_network_values(path, dataset, count);
  } catch (const InputError& e) {
    throw InputError(file_ + ": key '" + name(key) + "': " + e.what());
  }
  const std::string bytes(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(double));
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(bytes)));
  from_files_->push_back(
      {{name(key), dataset + " in " + path, path},
       std::to_string(out.size()) + " values of " + dataset + " in " + given + ", fnv1a " + hash});
  return out;
}

std::string DeckTable::with_value_sources(const std::string& message) const {
  return kascade::with_value_sources(
      message, std::vector<ValueSource>(from_files_->begin(), from_files_->end()));
}

std::string which_network(const std::size_t g, const std::size_t count) {
  return count > 1 ? " (network " + std::to_string(g) + ")" : "";
}

std::vector<double> DeckTable::number_list(const std::string& key) {
  const toml::value* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_array() || v->as_array().empty()) type_error(key, "a non-empty array of numbers");
  std::vector<double> out;
  bool ok = true;
  for (const auto& item : v->as_array()) {
    out.push_back(as_number(item, false, ok));
    if (!ok || !std::isfinite(out.back())) type_error(key, "a non-empty array of finite numbers");
  }
  return out;
}

DeckTable DeckTable::table(const std::string& key) {
  const toml::value* v = find(key);
  if (v != nullptr && !v->is_table()) type_error(key, "a table");
  return child(v, name(key) + ".");
}

std::vector<DeckTable> DeckTable::tables(const std::string& key) {
  const toml::value* v = find(key);
  std::vector<DeckTable> out;
  if (v == nullptr) return out;
  if (!v->is_array()) type_error(key, "an array of tables");
  const auto& items = v->as_array();
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (!items[k].is_table()) type_error(key, "an array of tables");
    out.push_back(child(&items[k], name(key) + "[" + std::to_string(k) + "]."));
  }
  return out;
}

template <class T, class Read>
std::vector<std::vector<T>> DeckTable::lists(const std::string& key, std::size_t count,
                                             bool nested_only, const char* expected, Read read) {
  const toml::value* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_array()) type_error(key, expected);
  const auto& items = v->as_array();
  const bool nested = !items.empty() && items[0].is_array();
  if (nested_only && !nested) type_error(key, expected);
  std::vector<std::vector<T>> out;
  auto read_list = [&](const toml::value& list) {
    std::vector<T> values;
    for (const auto& x : list.as_array()) {
      T value;
      if (!read(x, value)) type_error(key, expected);
      values.push_back(value);
    }
    out.push_back(std::move(values));
  };
  if (!nested) {
    read_list(*v);
    return out;
  }
  for (const auto& item : items) {
    if (!item.is_array()) type_error(key, expected);
    read_list(item);
  }
  if (out.size() != count)
    throw InputError(file_ + ": key '" + name(key) + "' has " + std::to_string(out.size()) +
                     " lists but " + there_are(count));
  return out;
}

std::vector<std::vector<std::int64_t>> DeckTable::integer_lists(const std::string& key,
                                                                std::size_t count) {
  return lists<std::int64_t>(key, count, false,
                             "an array of integers, or an array of one such array per network",
                             [](const toml::value& x, std::int64_t& out) {
                               if (!x.is_integer()) return false;
                               out = x.as_integer();
                               return true;
                             });
}

std::vector<std::vector<double>> DeckTable::number_lists(const std::string& key,
                                                         std::size_t count) {
  return lists<double>(key, count, true, "an array of one array of numbers per network",
                       [](const toml::value& x, double& out) {
                         if (!x.is_integer() && !x.is_floating()) return false;
                         out =
                             x.is_integer() ? static_cast<double>(x.as_integer()) : x.as_floating();
                         return true;
                       });
}

std::vector<std::string> DeckTable::string_list(const std::string& key,
                                                const std::vector<std::string>& fallback) {
  const toml::value* v = find(key);
  if (v == nullptr) return fallback;
  const char* expected = "a string or an array of strings";
  if (v->is_string()) return {v->as_string()};
  if (!v->is_array()) type_error(key, expected);
  std::vector<std::string> out;
  for (const auto& x : v->as_array()) {
    if (!x.is_string()) type_error(key, expected);
    out.push_back(x.as_string());
  }
  return out;
}

bool DeckTable::nested_array(const std::string& key) const {
  if (table_ == nullptr) return false;
  const auto& t = table_->as_table();
  const auto it = t.find(key);
  return it != t.end() && it->second.is_array() && !it->second.as_array().empty() &&
         it->second.as_array()[0].is_array();
}

std::vector<std::string> DeckTable::unread() const {
  std::vector<std::string> keys;
  if (table_ == nullptr) return keys;
  for (const auto& [key, value] : table_->as_table())
    if (!known_.count(key)) keys.push_back(key);
  return keys;
}

namespace {

// The kascade key for a name spikeometric users bring along ("model.rng"), by the key's dotted
// name with array positions dropped ("stimulus.tau"), or "": a close spelling of another key
// could mislead there (model.rng is not model.r).
std::string predecessor_hint(std::string dotted) {
  for (std::size_t open; (open = dotted.find('[')) != std::string::npos;)
    dotted.erase(open, dotted.find(']', open) + 1 - open);
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"rng", "kascade's is the top-level 'seed'"},
      {"model.rng", "kascade's is the top-level 'seed'"},
      {"model.seed", "kascade's is the top-level 'seed'"},
      {"networks.seed", "kascade's is the top-level 'seed'"},
      {"networks.n_networks", "kascade's is 'networks.count'"},
      {"networks.n_neurons", "kascade's is 'networks.neurons'"},
      {"tune.lr", "kascade's is 'tune.learning_rate'"},
      {"tune.firing_rate", "kascade's is 'tune.target_rate'"},
      {"tune.tunable_parameters", "kascade's is 'tune.parameters'"},
      {"tune.n_epochs", "kascade's is 'tune.epochs'"},
      {"stimulus.tau", "kascade's is 'width' (steps)"},
      {"stimulus.duration",
       "kascade's is 'stop', an end step (a Poisson train's 'duration' is its own)"},
      {"stimulus.stimulus_masks", "kascade's is 'targets'"},
      {"stimulus_masks", "kascade's is 'targets' in each [[stimulus]]"},
      {"model.equilibration_steps", "kascade's is 'simulation.equilibration_steps'"},
      {"simulation.store_as_dtype",
       "kascade has none: spikes are stored as events, Poisson counts as uint16"},
      {"stimulus.batch_size", "kascade has none: a stimulus belongs to network ids"},
      {"networks.erdos_renyi.sparsity",
       "erdos_renyi's is 'p' = 1 - sparsity, the probability of a synapse"},
      {"networks.erdos_renyi.probability", "kascade's is 'p'"},
      {"networks.normal.n_neurons", "kascade's is 'networks.neurons'"},
      {"networks.uniform.n_neurons", "kascade's is 'networks.neurons'"},
      {"networks.mexican_hat.n_neurons", "kascade's is 'networks.neurons'"},
      {"stimulus.path", "kascade's is 'file', with the array's 'dataset' in it"},
      {"stimulus.dt", "kascade has none: a stimulus's times are in steps, each of model.dt"}};
  for (const auto& [from, to] : names)
    if (dotted == from) return " (spikeometric's name; " + to + ")";
  return "";
}

}  // namespace

std::string DeckTable::predecessor_names() const {
  if (table_ == nullptr || !table_->is_table()) return "";
  for (const auto& item : table_->as_table()) {
    if (known_.count(item.first)) continue;
    const std::string hint = predecessor_hint(name(item.first));
    if (!hint.empty()) return " (unknown key '" + name(item.first) + "'" + hint + ")";
  }
  return "";
}

void DeckTable::finish() const {
  if (table_ == nullptr) return;
  for (const auto& [key, value] : table_->as_table()) {
    if (known_.count(key)) continue;
    const std::string hint = predecessor_hint(name(key));
    if (!hint.empty()) throw InputError(file_ + ": unknown key '" + name(key) + "'" + hint);
    std::string best;
    std::size_t best_distance = 3;  // suggest only close matches
    for (const auto& k : known_) {
      const std::size_t d = edit_distance(key, k);
      if (d < best_distance) best_distance = d, best = k;
    }
    throw InputError(file_ + ": unknown key '" + name(key) + "'" +
                     (best.empty() ? "" : " (did you mean '" + name(best) + "'?)"));
  }
}

}  // namespace kascade
