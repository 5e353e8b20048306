#pragma once
// Reads back a kascade output file (docs/output-format.md) on one process: one network's
// spikes through the per-network block index, its connectivity, and the run's provenance.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/network/network.hpp"

namespace kascade {

struct NetworkSpikes {
  std::vector<step_t> steps;
  std::vector<std::uint32_t> neurons;
  std::vector<spike_count_t> counts;  // empty when the model emits 0 or 1
};

class OutputReader {
 public:
  explicit OutputReader(const std::string& path);  // throws InputError if missing or not kascade
  ~OutputReader();
  OutputReader(const OutputReader&) = delete;
  OutputReader& operator=(const OutputReader&) = delete;

  bool complete() const;
  std::uint64_t n_networks() const;
  std::string deck() const;
  NetworkSpikes spikes(network_id_t network) const;
  // The attributes of a group as text: by default the root's (provenance: version, revision,
  // backend, seed, steps, dt, ...); "/tuning": the tuning's settings.
  std::map<std::string, std::string> attributes(const std::string& group = "/") const;
  // A per-network dataset of /networks (e.g. "spike_count", "rate_hz"), or any other given by
  // its absolute path (e.g. "/tuning/theta"), as doubles.
  std::vector<double> per_network(const std::string& name) const;
  Network network(network_id_t network) const;
  bool has(const std::string& path) const;  // an object exists at this absolute path

 private:
  long long dataset(const char* name) const;  // hid_t, open until the reader is destroyed
  template <class T>                          // (mem_type: an hid_t)
  std::vector<T> read(const char* name, long long mem_type, unsigned long long first,
                      unsigned long long count) const;
  std::string path_;
  long long file_;                                     // hid_t
  std::uint64_t n_networks_ = 0;                       // its root attribute
  bool with_counts_ = false;                           // it has /spikes/count
  mutable std::map<std::string, long long> datasets_;  // (dataset())
};

}  // namespace kascade
