#pragma once
// Helpers for tests that run whole decks: a scratch directory and deck files.
#include <filesystem>
#include <fstream>
#include <string>

namespace kascade::test {

// A fresh directory under the system temp dir, removed when the object goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A small BernoulliGLM deck: `networks` networks of `neurons` neurons.
std::string small_deck(int networks, int neurons, int steps, int record_interval);

}  // namespace kascade::test
