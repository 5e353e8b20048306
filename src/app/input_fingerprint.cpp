#include "input_fingerprint.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/core/fingerprint.hpp"

namespace kascade::app {

std::vector<std::string> input_files(const RunConfig& config) {
  std::vector<std::string> files;
  const NetworkSource& n = config.networks;
  if (n.kind == SourceKind::npy_directory)
    files = n.items;
  else if (n.from_file())
    files.push_back(n.path);
  for (const StimulusSpec& s : config.stimuli)
    if (s.kind == StimulusKind::loaded) files.push_back(s.file);
  return files;
}

namespace {

// The file's bytes, then their count (files cannot run together). Not its path: the deck fixes
// which file comes where, and another spelling of the path (a run from another directory) is the
// same run.
void add_file(Fingerprint& f, const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"),
                                                           std::fclose);
  require(in != nullptr, path + ": cannot be read again to check it against a checkpoint");
  const std::uint64_t bytes = f.add_file(in.get());
  require(std::ferror(in.get()) == 0,
          path + ": cannot be read again to check it against a checkpoint");
  f.add(&bytes, sizeof bytes);
}

}  // namespace

std::uint64_t input_fingerprint(const RunConfig& config) {
  const std::vector<std::string> files = input_files(config);
  if (files.empty()) return 0;
  Fingerprint f;
  for (const std::string& path : files) add_file(f, path);
  return f.value();
}

}  // namespace kascade::app
