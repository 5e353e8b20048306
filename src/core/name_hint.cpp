#include "kascade/core/name_hint.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace kascade {

namespace {

// Lower case without separators, and without the class-name suffixes spikeometric's names carry
// ("MexicanHatGenerator" -> "mexicanhat", as "mexican_hat").
std::string folded(const std::string& name) {
  std::string out;
  for (const char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* suffix : {"generator", "stimulus"}) {
    const std::string s = suffix;
    if (out.size() > s.size() && out.compare(out.size() - s.size(), s.size(), s) == 0)
      out.erase(out.size() - s.size());
  }
  return out;
}

// spikeometric's names that no spelling rule reaches (folded -> kascade's).
const std::vector<std::pair<std::string, std::string>>& renamed() {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"sin", "sinusoid"},
      {"rectlnp", "rectified_lnp"},
      {"filrectlnp", "rectified_lnp"},
      {"rectsam", "rectified_sam"},
      {"connectivitydataset", "npy"}};
  return names;
}

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string likely_name(const std::string& got, const std::vector<std::string>& accepted) {
  const std::string f = folded(got);
  for (const std::string& name : accepted)
    if (folded(name) == f) return name;
  for (const auto& [from, to] : renamed())
    if (f == from && std::find(accepted.begin(), accepted.end(), to) != accepted.end()) return to;
  // Only close ones, and closer for short names ("on" is two edits from "none", its opposite).
  std::string best;
  std::size_t best_distance = std::min<std::size_t>(3, std::max<std::size_t>(1, f.size() / 3) + 1);
  for (const std::string& name : accepted) {
    const std::size_t d = edit_distance(f, folded(name));
    if (d < best_distance) best_distance = d, best = name;
  }
  return best;
}

std::string not_one_of(const std::string& key, const std::vector<std::string>& accepted,
                       const std::string& got) {
  std::string names;
  for (const std::string& name : accepted) names += (names.empty() ? "" : ", ") + name;
  const std::string likely = likely_name(got, accepted);
  return "key '" + key + "' must be one of " + names + " (got \"" + got + "\"" +
         (likely.empty() ? "" : "; did you mean \"" + likely + "\"?") + ")";
}

}  // namespace kascade
