#pragma once
// Parsing an enum from its name: `to_string(e)` (found by argument-dependent lookup) names each
// value; anything else is an InputError listing the accepted names and naming the deck key.
#include <initializer_list>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/core/name_hint.hpp"

namespace kascade {

template <class Enum>
Enum parse_enum(std::initializer_list<Enum> all, const std::string& name, const std::string& key) {
  std::vector<std::string> names;
  for (Enum e : all) {
    if (name == to_string(e)) return e;
    names.emplace_back(to_string(e));
  }
  throw InputError(not_one_of(key, names, name));
}

}  // namespace kascade
