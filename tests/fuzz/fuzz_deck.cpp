// libFuzzer target: TOML text -> the deck -> validation -> what a run computes first from it
// (the model of network 0, sizes and costs of the first networks, network 0 when it is small).
// kascade::InputError is the expected outcome of a bad deck; anything else (a crash, another
// exception, undefined behaviour, a leak) is a finding.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "kascade/core/error.hpp"
#include "kascade/io/deck.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return -1;  // decks are small; long inputs only slow the search
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const kascade::RunConfig c = kascade::parse_deck(text, "fuzz.toml");
    (void)c.model.build(0);
    for (kascade::network_id_t g = 0; g < c.networks.count && g < 3; ++g) {
      (void)c.networks.cost(g, 8);
      if (c.networks.neurons(g) <= 64 && c.networks.expected_synapses(g) < 4096)
        (void)c.networks.make(g);
    }
  } catch (const kascade::InputError&) {
  }
  return 0;
}
