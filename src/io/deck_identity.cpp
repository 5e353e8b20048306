// What a run's results depend on, of its deck: the values after the --set overrides, written in
// one canonical form (tables' keys sorted, floats exact), without the keys that cannot change a
// spike. A checkpoint or a complete output is the same run's whenever this text is the same, so
// comments, layout and checkpoint_every may change between a kill and the resume.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "io/deck_text.hpp"

namespace kascade {

namespace {

// The keys that change when and how a run is saved, never what it computes: (table, key).
bool cannot_change_results(const std::string& table, const std::string& key) {
  return table == "simulation" && key == "checkpoint_every";
}

// Strings and keys carry their length: no value can be mistaken for another's delimiters.
void put_string(std::string& out, const std::string& s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void put(std::string& out, const toml::value& v, const std::string& table) {
  switch (v.type()) {
    case toml::value_t::boolean:
      out += v.as_boolean() ? "true" : "false";
      return;
    case toml::value_t::integer:
      out += 'i' + std::to_string(v.as_integer());
      return;
    case toml::value_t::floating: {
      char exact[48];
      std::snprintf(exact, sizeof exact, "f%a", v.as_floating());
      out += exact;
      return;
    }
    case toml::value_t::string:
      out += 's';
      put_string(out, v.as_string().str);
      return;
    case toml::value_t::array:
      out += '[';
      for (const toml::value& item : v.as_array()) put(out, item, ""), out += ',';
      out += ']';
      return;
    case toml::value_t::table: {
      std::vector<const std::pair<const std::string, toml::value>*> items;
      for (const auto& item : v.as_table())
        if (!cannot_change_results(table, item.first)) items.push_back(&item);
      std::sort(items.begin(), items.end(),
                [](const auto* a, const auto* b) { return a->first < b->first; });
      out += '{';
      for (const auto* item : items) {
        put_string(out, item->first);
        out += '=';
        put(out, item->second, table.empty() ? item->first : table + "." + item->first);
        out += ';';
      }
      out += '}';
      return;
    }
    default:  // dates and times (no deck key takes one): as toml11 writes them
      out += 'd';
      put_string(out, toml::format(v));
  }
}

}  // namespace

std::string deck_values_text(const toml::value& root) {
  std::string out;
  put(out, root, "");
  return out;
}

}  // namespace kascade
