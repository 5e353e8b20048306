#pragma once
// Close names: the "did you mean" of unknown keys and of values outside a fixed set of names.
#include <string>
#include <vector>

namespace kascade {

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b);

// The accepted name that `got` most likely meant, or "": the same name in another spelling
// (case, '_', '-', spikeometric's class names: "BernoulliGLM", "NormalGenerator",
// "SinStimulus"), else the one within two edits (one for names of up to five letters).
std::string likely_name(const std::string& got, const std::vector<std::string>& accepted);

// "key 'KEY' must be one of a, b, c (got \"x\"; did you mean \"b\"?)".
std::string not_one_of(const std::string& key, const std::vector<std::string>& accepted,
                       const std::string& got);

}  // namespace kascade
