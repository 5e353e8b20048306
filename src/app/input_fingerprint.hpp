#pragma once
// What a checkpoint must find unchanged of the files a run reads beyond its deck (whose text,
// with the values it reads from files, is hashed whole): the networks' file or .npy files and
// every loaded stimulus's file. A resume with any of them changed would join spikes of two
// inputs in one file that looks complete.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/io/deck.hpp"

namespace kascade::app {

// Those files (the networks' file or .npy files, then each loaded stimulus's).
std::vector<std::string> input_files(const RunConfig& config);

// A fingerprint of those files' bytes (read whole: one rank reads them and gives the
// value to the others); 0 where the run reads none. InputError if one cannot be read.
std::uint64_t input_fingerprint(const RunConfig& config);

}  // namespace kascade::app
