#pragma once
// Parsing an enum from its name: `to_string(e)` (found by argument-dependent lookup) names each
// value; anything else is an InputError listing the accepted names and naming the deck key.
#include <initializer_list>
#include <string>

#include "kascade/core/error.hpp"

namespace kascade {

template <class Enum>
Enum parse_enum(std::initializer_list<Enum> all, const std::string& name, const std::string& key) {
  std::string names;
  for (Enum e : all) {
    if (name == to_string(e)) return e;
    names += std::string(names.empty() ? "" : ", ") + to_string(e);
  }
  throw InputError("key '" + key + "' must be one of " + names + " (got \"" + name + "\")");
}

}  // namespace kascade
