#include "test_support.hpp"

#include <unistd.h>

#include <random>

namespace kascade::test {

ScratchDir::ScratchDir(const std::string& tag) {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("kascade_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string small_deck(int networks, int neurons, int steps, int record_interval) {
  return "seed = 777\n"
         "[networks]\ncount = " +
         std::to_string(networks) + "\nneurons = " + std::to_string(neurons) +
         "\n[networks.normal]\nstd = 5.0\nglorot = true\n"
         "[model]\npreset = \"bernoulli_glm\"\n"
         "[simulation]\nsteps = " +
         std::to_string(steps) +
         "\nequilibration_steps = 50\nrecord_interval = " + std::to_string(record_interval) + "\n";
}

}  // namespace kascade::test
