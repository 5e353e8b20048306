#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "io/deck_text.hpp"
#include "kascade/core/error.hpp"

namespace kascade {

std::string default_stimulus_name(const std::size_t position) {
  return "stimulus_" + std::to_string(position);
}

namespace {

// The first '=' outside quotes (a quoted key may hold one), or npos.
std::size_t assignment_sign(const std::string& assignment) {
  char quote = 0;
  for (std::size_t k = 0; k < assignment.size(); ++k) {
    const char c = assignment[k];
    if (quote)
      quote = c == quote ? 0 : quote;
    else if (c == '"' || c == '\'')
      quote = c;
    else if (c == '=')
      return k;
  }
  return std::string::npos;
}

// The segments of a TOML key (dotted, bare or quoted, spaces around the dots), read by toml11
// itself so that --set takes any key a deck can hold.
std::vector<std::string> key_path(const std::string& key, const std::string& name) {
  const toml::value parsed = parse_toml(key + " = 0", name);
  std::vector<std::string> path;
  for (const toml::value* v = &parsed; v->is_table();) {
    const auto& table = v->as_table();
    if (table.size() != 1) throw InputError(name + ": expected one key");
    path.push_back(table.begin()->first);
    v = &table.begin()->second;
  }
  return path;
}

// The position of the [[stimulus]] table (`items`) that an override names: by its position when
// `which` is digits (leading zeros ignored; a stimulus named with digits is reached by its
// position), else by its name (default_stimulus_name() where it has none).
std::size_t stimulus_element(const toml::array& items, const std::string& which,
                             const std::string& name) {
  const bool position =
      !which.empty() &&
      std::all_of(which.begin(), which.end(), [](unsigned char c) { return std::isdigit(c); });
  const std::string digits =
      position ? which.substr(std::min(which.find_first_not_of('0'), which.size() - 1)) : "";
  std::string names;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const std::string index = std::to_string(k);
    std::string own = default_stimulus_name(k);
    if (items[k].is_table()) {
      const auto& t = items[k].as_table();
      const auto given = t.find("name");
      if (given != t.end() && given->second.is_string()) own = given->second.as_string().str;
    }
    if (position ? digits == index : which == own) return k;
    names += (k ? ", " : "") + index + ": " + own;
  }
  throw InputError(name + ": the deck has no [[stimulus]] " +
                   (position ? "at position " : "named ") + which +
                   (names.empty() ? " (it has none)" : " (it has " + names + ")"));
}

// How many segments of `path` from `from` name a [[stimulus]] of `items`: a name may hold dots
// (`stimulus.p.x.strength` sets the strength of the stimulus "p.x", as the quoted form
// `stimulus."p.x".strength` does); the longest name that leaves a key after it, else 1.
std::size_t stimulus_name_segments(const toml::array& items, const std::vector<std::string>& path,
                                   const std::size_t from) {
  for (std::size_t n = path.size() - 1 - from; n > 1; --n) {
    std::string joined = path[from];
    for (std::size_t k = from + 1; k < from + n; ++k) joined += "." + path[k];
    for (const toml::value& item : items)
      if (item.is_table()) {
        const auto given = item.as_table().find("name");
        if (given != item.as_table().end() && given->second.is_string() &&
            given->second.as_string().str == joined)
          return n;
      }
  }
  return 1;
}

}  // namespace

// key = value, as one line of the deck would say it: the value replaces the key's (a table
// value replaces the whole table). Returns the key, dotted.
std::string apply_override(toml::value& root, const std::string& assignment) {
  const std::string name = "--set '" + assignment + "'";
  for (const unsigned char c : assignment)
    if (c < 0x20 || c == 0x7f)
      throw InputError(name + ": a key=value on one line, without control characters");
  const auto eq = assignment_sign(assignment);
  if (eq == std::string::npos || assignment.find_first_not_of(" \t") >= eq)
    throw InputError(name + ": expected key=value");
  const std::vector<std::string> path = key_path(assignment.substr(0, eq), name);
  const std::string value = assignment.substr(eq + 1);
  toml::value parsed;
  try {
    parsed = parse_toml("v = " + value, name);
  } catch (const InputError& e) {  // (a bare word: most often a string without its quotes)
    const auto first = value.find_first_not_of(" \t");
    const bool bare =
        first != std::string::npos && (std::isalpha(static_cast<unsigned char>(value[first])) ||
                                       value[first] == '/' || value[first] == '.');
    if (!bare) throw;
    throw InputError(std::string(e.what()) + "; a string needs quotes: --set '" +
                     assignment.substr(0, eq) + "=\"" + value.substr(first) + "\"'");
  }
  toml::value* table = &root;
  std::string prefix;
  for (std::size_t k = 0; k + 1 < path.size(); ++k) {
    prefix += (k ? "." : "") + path[k];
    if (table == &root && path[k] == "stimulus") {  // [[stimulus]]: the next segment picks one
      const auto it = root.as_table().find(path[k]);
      const toml::array none;
      const toml::array& items =
          it != root.as_table().end() && it->second.is_array() ? it->second.as_array() : none;
      if (k + 2 >= path.size())
        throw InputError(name + ": '" + prefix +
                         "' is an array of tables: set a key of one, e.g. " + prefix +
                         ".0.<key> or " + prefix + ".<its name>.<key>, or the whole array");
      const std::size_t segments = stimulus_name_segments(items, path, k + 1);
      std::string which = path[k + 1];
      for (std::size_t j = k + 2; j < k + 1 + segments; ++j) which += "." + path[j];
      const std::size_t at = stimulus_element(items, which, name);
      table = &root.as_table()[path[k]].as_array()[at];
      if (!table->is_table()) throw InputError(name + ": '" + prefix + "' is not a table");
      prefix += "[" + std::to_string(at) + "]";
      k += segments;
      continue;
    }
    toml::value& next = table->as_table()[path[k]];
    if (next.is_uninitialized()) next = toml::table{};
    if (!next.is_table()) throw InputError(name + ": '" + prefix + "' is not a table");
    table = &next;
  }
  table->as_table()[path.back()] = toml::find(parsed, "v");
  return prefix + (prefix.empty() ? "" : ".") + path.back();
}

// A key that came from --set (unknown, or its value refused) is blamed on the --set, not on the
// deck file.
std::string blame_override(const std::string& message, const std::string& file,
                           const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string tag = file + ": unknown key '";
  const bool unknown_key = message.rfind(tag, 0) == 0;
  if (!unknown_key) tag = file + ": key '";
  if (message.rfind(tag, 0) != 0) return message;
  const std::string named = message.substr(tag.size(), message.find('\'', tag.size()) - tag.size());
  const auto within = [](const std::string& a, const std::string& b) {  // a is b or inside it
    return a == b || a.rfind(b + ".", 0) == 0;
  };
  // (an unknown key inside a table value, or one that a longer key path begins with; a value
  // refused only where the --set gave it)
  for (const auto& [assignment, key] : keys)
    if (within(named, key) || (unknown_key && within(key, named)))
      return "--set '" + assignment + "': " + message.substr(file.size() + 2);
  return message;
}

}  // namespace kascade
