#pragma once
// The text of a deck before its tables are read: TOML parsed with one-line errors and the
// checks toml11 lacks (deck_toml.cpp), and the `--set key=value` overrides applied on top
// (deck_override.cpp). Internal to the library (deck.cpp).
#include <cstddef>
#include <string>
#include <toml.hpp>
#include <utility>
#include <vector>

namespace kascade {

// `text` parsed as TOML; an InputError "<name>: <reason> (line n)" if it is not a deck.
toml::value parse_toml(const std::string& text, const std::string& name);

// Applies `--set key=value` to the parsed deck; returns the key as the deck's tables name it
// ("simulation.steps", "stimulus[0].strength").
std::string apply_override(toml::value& root, const std::string& assignment);

// A key that came from --set, unknown or of a value refused, is blamed on the --set, not on the
// deck file: `message` reworded if an override of `keys` ((assignment, key) pairs) holds the
// key it names.
std::string blame_override(const std::string& message, const std::string& file,
                           const std::vector<std::pair<std::string, std::string>>& keys);

// The deck's values (`root`, overrides applied) in one canonical form, without the keys that
// cannot change a spike (simulation.checkpoint_every): what a resume must find unchanged.
std::string deck_values_text(const toml::value& root);

// The name of the [[stimulus]] at `position` that gives none: stimulus_<position>.
std::string default_stimulus_name(std::size_t position);

}  // namespace kascade
