// libFuzzer target: bytes -> a .npy file -> load_npy. kascade::InputError is the expected
// outcome of a bad file; anything else is a finding.
#include <cstdint>

#include "fuzz_support.hpp"
#include "kascade/core/error.hpp"
#include "kascade/network/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = kascade::fuzz::scratch_path(".npy");
  kascade::fuzz::write_file(path, data, size);
  try {
    (void)kascade::load_npy(path);
  } catch (const kascade::InputError&) {
  }
  return 0;
}
