#include "kascade/io/hdf5_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>

#include "common/durable_files.hpp"
#include "common/fail_together.hpp"
#include "common/hdf5_handle.hpp"
#include "common/write_failure.hpp"
#include "kascade/core/error.hpp"
#include "kascade/core/fault.hpp"
#include "kascade/core/version.hpp"

namespace kascade {

using detail::fail_together;  // (HDF5 writes metadata from some ranks only: a step may fail on one)
using detail::h5_check;
using detail::H5Handle;

namespace {

constexpr hsize_t kChunkElements = 1 << 16;

struct Offsets {
  std::uint64_t offset, total;  // of this rank's part, and of all ranks' parts together
};

Offsets exscan(std::uint64_t local, MPI_Comm comm) {
  std::uint64_t offset = 0, total = 0;
  MPI_Exscan(&local, &offset, 1, MPI_UINT64_T, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) offset = 0;  // MPI_Exscan leaves rank 0's result undefined
  MPI_Allreduce(&local, &total, 1, MPI_UINT64_T, MPI_SUM, comm);
  return {offset, total};
}

H5Handle dataset_1d(hid_t parent, const char* name, hid_t type, hsize_t size, bool extendible) {
  const hsize_t max = extendible ? H5S_UNLIMITED : size;
  H5Handle space(H5Screate_simple(1, &size, &max), H5Sclose);
  H5Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (extendible) {
    const hsize_t chunk = kChunkElements;
    H5Pset_chunk(plist, 1, &chunk);
  }
  H5Pset_fill_time(plist, H5D_FILL_TIME_NEVER);  // every element is written: no zeros first
  return H5Handle(h5_check(H5Dcreate2(parent, name, type, space, H5P_DEFAULT, plist, H5P_DEFAULT),
                           std::string("cannot create dataset ") + name),
                  H5Dclose);
}

// "<file>: cannot write <object>", and why where it can be told: a full file system.
std::string write_failure(const hid_t object) {
  char file[4096] = "", name[1024] = "";
  H5Fget_name(object, file, sizeof file);
  H5Iget_name(object, name, sizeof name);
  const bool named = *name != '\0' && std::string(name) != "/";  // ("/": the file's own data)
  return std::string(file) + ": cannot write " + (named ? name : "the output") +
         (*file ? detail::space_note(file) : std::string());
}

// Collective write of `count` elements at `offset` (count may be 0 on some ranks).
void write_part(hid_t dataset, hid_t mem_type, hsize_t offset, hsize_t count, const void* data,
                MPI_Comm comm) {
  H5Handle file_space(H5Dget_space(dataset), H5Sclose);
  H5Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  const bool selected =
      count > 0
          ? H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &offset, nullptr, &count, nullptr) >= 0
          : H5Sselect_none(file_space) >= 0 && H5Sselect_none(mem_space) >= 0;
  H5Handle xfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  // Every rank takes part in the collective write, one whose selection failed with none (a rank
  // that skipped it would leave the others waiting in it).
  if (!selected) H5Sselect_none(file_space), H5Sselect_none(mem_space);
  const bool collective = H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE) >= 0;
  const bool written = H5Dwrite(dataset, mem_type, mem_space, file_space, xfer, data) >= 0;
  const bool failed = !selected || !collective || !written;
  fail_together(failed, failed ? write_failure(dataset) : std::string(), comm);
}

// Creates a fixed-size dataset holding every rank's part, in rank order.
template <class T>
void write_distributed(hid_t parent, const char* name, hid_t type, const std::vector<T>& local,
                       MPI_Comm comm) {
  const Offsets o = exscan(local.size(), comm);
  H5Handle d = dataset_1d(parent, name, type, o.total, false);
  if (o.total > 0) write_part(d, type, o.offset, local.size(), local.data(), comm);  // (no space)
}

// name[G+1]: name[g] = first element of network g in a per-network concatenation; each rank
// gives the element counts of its networks (owned from `first`), rank 0 adds the total.
void write_offsets(hid_t parent, const char* name, const std::vector<std::uint64_t>& counts,
                   network_id_t first, std::uint64_t n_networks, MPI_Comm comm) {
  std::uint64_t local_total = 0;
  for (auto c : counts) local_total += c;
  const Offsets o = exscan(local_total, comm);
  std::vector<std::uint64_t> offsets(counts.size());
  std::exclusive_scan(counts.begin(), counts.end(), offsets.begin(), o.offset);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  H5Handle d = dataset_1d(parent, name, H5T_STD_U64LE, n_networks + 1, false);
  write_part(d, H5T_NATIVE_UINT64, first, offsets.size(), offsets.data(), comm);
  write_part(d, H5T_NATIVE_UINT64, n_networks, rank == 0 ? 1 : 0, &o.total, comm);
}

// The attribute writers return whether they succeeded; their callers fail together (a root
// attribute missing from a file marked complete would pass unnoticed).
template <class T>
[[nodiscard]] bool attribute(hid_t object, const char* name, hid_t type, const T& value) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  return a.get() >= 0 && H5Awrite(a, type, &value) >= 0;
}

[[nodiscard]] bool string_attribute(hid_t object, const char* name, const std::string& value) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  const bool typed = H5Tset_size(type, std::max<std::size_t>(1, value.size())) >= 0 &&
                     H5Tset_strpad(type, H5T_STR_NULLPAD) >= 0;
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  // (created on every rank whatever failed before: creating an attribute is collective)
  H5Handle a(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  return typed && a.get() >= 0 && H5Awrite(a, type, value.empty() ? " " : value.data()) >= 0;
}

// A caller's mistake seen on some ranks only fails every rank (an InputError, as require()):
// the others would otherwise wait in the collective call that follows.
void require_together(const bool ok, const std::string& message, MPI_Comm comm) {
  fail_together(!ok, ok ? std::string() : message, comm, true);
}

// A string attribute for each entry of `values`, failing together.
void string_attributes(hid_t object, const std::map<std::string, std::string>& values,
                       MPI_Comm comm) {
  bool ok = true;
  for (const auto& [name, value] : values) ok = string_attribute(object, name.c_str(), value) && ok;
  fail_together(!ok, ok ? std::string() : write_failure(object), comm);
}

H5Handle group(hid_t parent, const char* name) {
  return H5Handle(h5_check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           std::string("cannot create group ") + name),
                  H5Gclose);
}

}  // namespace

struct Hdf5Output::State {
  OutputDescription description;
  MPI_Comm comm;
  int rank = 0;
  network_id_t first_network = 0;
  std::uint64_t n_local = 0;
  std::string partial_path;
  H5Handle file, spikes_group, step, neuron, count, stimuli;
  std::uint64_t events_in_file = 0;
  std::vector<std::uint64_t> spikes_per_network;  // local networks
  std::vector<std::uint32_t> neurons_per_network;
  struct Block {
    network_id_t network;
    std::uint64_t offset, length;
  };
  std::vector<Block> blocks;
  bool finalized = false;
  bool closed = false;  // by finalize(): the .partial is whole (only its rename may have failed)
};

Hdf5Output::Hdf5Output(const OutputDescription& d, MPI_Comm comm, network_id_t first_network,
                       std::uint64_t n_local)
    : state_(std::make_unique<State>()) {
  // (a program of its own that fills the description: a wrong one fails here, named, not as a
  // write of an HDF5 dataset later)
  require_together(
      first_network + n_local <= d.n_networks,
      d.path + ": networks " + std::to_string(first_network) + " + " + std::to_string(n_local) +
          " of this rank are beyond OutputDescription.n_networks = " + std::to_string(d.n_networks),
      comm);
  State& s = *state_;
  s.description = d;
  s.comm = comm;
  MPI_Comm_rank(comm, &s.rank);
  s.first_network = first_network;
  s.n_local = n_local;
  s.spikes_per_network.assign(n_local, 0);
  s.partial_path = d.path + ".partial";

  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  const hid_t f = H5Fcreate(s.partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (f < 0) throw InputError(d.path + ": cannot create the output file (" + s.partial_path + ")");
  s.file = H5Handle(f, H5Fclose);
  try {
    write_header();
  } catch (...) {
    discard();  // (the destructor of an object whose constructor throws does not run)
    throw;
  }
}

// The root attributes, the deck and the empty spike datasets.
void Hdf5Output::write_header() {
  State& s = *state_;
  const OutputDescription& d = s.description;

  bool ok = attribute(s.file, "format_version", H5T_NATIVE_INT, 1);
  ok = attribute(s.file, "complete", H5T_NATIVE_INT, 0) && ok;
  ok = attribute(s.file, "seed", H5T_NATIVE_UINT64, d.seed) && ok;
  ok = attribute(s.file, "spike_seed", H5T_NATIVE_UINT64, d.spike_seed) && ok;
  ok = attribute(s.file, "n_networks", H5T_NATIVE_UINT64, d.n_networks) && ok;
  ok = attribute(s.file, "recorded_steps", H5T_NATIVE_INT64, d.recorded_steps) && ok;
  ok = attribute(s.file, "stimulus_steps", H5T_NATIVE_INT64, d.stimulus_steps) && ok;
  ok = attribute(s.file, "equilibration_steps", H5T_NATIVE_INT64, d.equilibration_steps) && ok;
  ok = attribute(s.file, "dt_ms", H5T_NATIVE_DOUBLE, d.dt) && ok;
  fail_together(!ok, ok ? std::string() : write_failure(s.file), s.comm);
  std::map<std::string, std::string> text{{"format", "kascade"},
                                          {"kascade_version", version()},
                                          {"git_revision", git_revision()},
                                          {"kokkos_backend", kokkos_backend()},
                                          {"model", d.model_preset}};
  if (!d.run_hash.empty()) text["run_hash"] = d.run_hash;
  string_attributes(s.file, text, s.comm);

  // The deck, as a fixed-length string written by rank 0.
  H5Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(str, std::max<std::size_t>(1, d.deck_text.size()));
  H5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle deck(H5Dcreate2(s.file, "deck", str, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose);
  const bool failed = deck.get() < 0 ||
                      (s.rank == 0 && H5Dwrite(deck, str, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                               d.deck_text.empty() ? " " : d.deck_text.data()) < 0);
  fail_together(failed, failed ? write_failure(s.file) : std::string(), s.comm);

  s.spikes_group = group(s.file, "spikes");
  s.step = dataset_1d(s.spikes_group, "step", H5T_STD_I64LE, 0, true);
  s.neuron = dataset_1d(s.spikes_group, "neuron", H5T_STD_U32LE, 0, true);
  if (d.with_counts) s.count = dataset_1d(s.spikes_group, "count", H5T_STD_U16LE, 0, true);
}

namespace {
bool left_open = false;
}  // namespace

bool output_left_open() { return left_open || detail::hdf5_file_left_open(); }

Hdf5Output::~Hdf5Output() { discard(); }

// Without finalize() (a failure; every rank comes here): the .partial file's handles go first; its
// size is dropped to nothing before the close, so that the close's flush finds room on a full
// disk; then it is removed (a restarted run writes it again from the spill files). A file that
// finalize() closed is whole and stays.
void Hdf5Output::discard() noexcept {
  State& s = *state_;
  if (s.finalized || s.closed) return;
  s.step.reset(), s.neuron.reset(), s.count.reset(), s.spikes_group.reset(), s.stimuli.reset();
  if (s.rank == 0) (void)::truncate(s.partial_path.c_str(), 0);
  fault_space_freed();  // (testing hook)
  MPI_Barrier(s.comm);
  int failed = s.file.get() >= 0 && H5Fclose(s.file.get()) < 0 ? 1 : 0;
  (void)s.file.release();
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, s.comm);
  if (failed) left_open = true;  // (on every rank: all end the same way, main.cpp)
  if (s.rank == 0) std::remove(s.partial_path.c_str());
  s.closed = true;
}

void Hdf5Output::write_networks(const std::vector<const Network*>& local) {
  std::vector<ordinal_t> neurons;
  std::vector<offset_t> synapses;
  for (const Network* net : local) {
    neurons.push_back(net->n_neurons);
    synapses.push_back(net->n_synapses());
  }
  write_networks(neurons, synapses, [&](std::uint64_t first, std::uint64_t count) {
    NetworkPiece piece;
    piece.nets.assign(local.begin() + static_cast<std::ptrdiff_t>(first),
                      local.begin() + static_cast<std::ptrdiff_t>(first + count));
    return piece;
  });
}

void Hdf5Output::write_networks(const std::vector<ordinal_t>& neurons,
                                const std::vector<offset_t>& synapses, const NetworkMaker& make,
                                const std::uint64_t piece_synapses) {
  State& s = *state_;
  require_together(neurons.size() == s.n_local && synapses.size() == s.n_local,
                   "output: one network per owned id is needed", s.comm);
  const std::vector<std::uint32_t> n_neurons(neurons.begin(), neurons.end());
  H5Handle networks = group(s.file, "networks");
  write_distributed(networks, "n_neurons", H5T_STD_U32LE, n_neurons, s.comm);
  s.neurons_per_network = n_neurons;
  const std::vector<std::uint64_t> counts(synapses.begin(), synapses.end());
  write_offsets(networks, "synapse_offset", counts, s.first_network, s.description.n_networks,
                s.comm);
  // Pieces of consecutive networks, then as many collective writes on every rank.
  std::vector<std::uint64_t> piece_start{0};
  std::uint64_t local = 0;
  constexpr std::uint64_t piece_networks = 4096;  // (also when they have no synapses)
  for (std::uint64_t j = 0, in_piece = 0; j < s.n_local; ++j) {
    if (j > piece_start.back() &&
        (in_piece + synapses[j] > piece_synapses || j - piece_start.back() >= piece_networks))
      piece_start.push_back(j), in_piece = 0;
    in_piece += synapses[j];
    local += synapses[j];
  }
  piece_start.push_back(s.n_local);
  std::uint64_t rounds = piece_start.size() - 1;
  MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_UINT64_T, MPI_MAX, s.comm);
  const Offsets o = exscan(local, s.comm);
  H5Handle connectivity = group(s.file, "connectivity");
  const H5Handle source = dataset_1d(connectivity, "source", H5T_STD_U32LE, o.total, false),
                 target = dataset_1d(connectivity, "target", H5T_STD_U32LE, o.total, false),
                 weight = dataset_1d(connectivity, "weight", H5T_IEEE_F32LE, o.total, false);
  std::uint64_t at = o.offset;
  // A piece that cannot be made (out of memory) stops this rank's pieces, not its collective
  // calls: every rank goes through every round, then all fail together.
  std::string failure;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    std::vector<std::uint32_t> src, dst;
    std::vector<float> w;
    if (failure.empty() && r + 1 < piece_start.size()) {
      try {
        const std::uint64_t first = piece_start[r], count = piece_start[r + 1] - first;
        const NetworkPiece piece = make(first, count);
        for (std::uint64_t k = 0; k < count; ++k) {
          const Network& net = *piece.nets[k];
          if (net.n_synapses() != synapses[first + k])
            throw std::runtime_error("a network made again differs from its first making");
          for (ordinal_t i = 0; i < net.n_neurons; ++i)
            for (offset_t e = net.row_ptr[i]; e < net.row_ptr[i + 1]; ++e) {
              src.push_back(static_cast<std::uint32_t>(net.presynaptic[e]));
              dst.push_back(static_cast<std::uint32_t>(i));
              w.push_back(net.weight[e]);
            }
        }
      } catch (const std::exception& e) {
        failure = s.description.path + ": cannot write its connectivity: " + e.what();
        src.clear(), dst.clear(), w.clear();
      }
    }
    if (o.total == 0) continue;  // (no space to select in)
    write_part(source, H5T_STD_U32LE, at, src.size(), src.data(), s.comm);
    write_part(target, H5T_STD_U32LE, at, dst.size(), dst.data(), s.comm);
    write_part(weight, H5T_IEEE_F32LE, at, w.size(), w.data(), s.comm);
    at += src.size();
  }
  fail_together(!failure.empty(), failure, s.comm);
}

void Hdf5Output::write_parameters(const std::map<std::string, std::vector<double>>& local,
                                  const std::map<std::string, std::string>& choices) {
  State& s = *state_;
  H5Handle networks(h5_check(H5Gopen2(s.file, "networks", H5P_DEFAULT), "no /networks"), H5Gclose);
  H5Handle parameters = group(networks, "parameters");
  for (const auto& [name, values] : local) {
    require_together(values.size() == s.n_local,
                     "output: one value of " + name + " per owned network is needed", s.comm);
    write_distributed(parameters, name.c_str(), H5T_IEEE_F64LE, values, s.comm);
  }
  string_attributes(parameters, choices, s.comm);
}

void Hdf5Output::write_tuning(const std::map<std::string, std::vector<double>>& local,
                              const std::map<std::string, std::string>& about) {
  State& s = *state_;
  H5Handle tuning = group(s.file, "tuning");
  for (const auto& [name, values] : local) {
    require_together(values.size() == s.n_local,
                     "output: one tuning value of " + name + " per owned network is needed",
                     s.comm);
    write_distributed(tuning, name.c_str(), H5T_IEEE_F64LE, values, s.comm);
  }
  string_attributes(tuning, about, s.comm);
}

void Hdf5Output::write_stimulus(const std::string& name, const std::string& kind,
                                const std::string& targeting,
                                const std::map<std::string, std::string>& about,
                                const std::map<std::string, std::vector<double>>& parameters,
                                const std::vector<const std::vector<ordinal_t>*>& targets,
                                const std::vector<const std::vector<step_t>*>& onsets) {
  State& s = *state_;
  require_together(targets.size() == s.n_local,
                   "output: one target list per owned network is needed", s.comm);
  if (s.stimuli.get() < 0) s.stimuli = group(s.file, "stimuli");
  H5Handle g = group(s.stimuli, name.c_str());
  std::map<std::string, std::string> text = about;
  text["kind"] = kind, text["targeting"] = targeting;
  string_attributes(g, text, s.comm);
  for (const auto& [key, values] : parameters)
    write_distributed(g, key.c_str(), H5T_IEEE_F64LE, values, s.comm);
  auto ragged = [&](const char* data_name, const char* ptr_name, auto lists, hid_t type) {
    using T = typename std::remove_pointer_t<typename decltype(lists)::value_type>::value_type;
    std::vector<std::uint64_t> counts;
    std::vector<T> all;
    for (const auto* list : lists) {
      counts.push_back(list->size());
      all.insert(all.end(), list->begin(), list->end());
    }
    write_offsets(g, ptr_name, counts, s.first_network, s.description.n_networks, s.comm);
    write_distributed(g, data_name, type, all, s.comm);
  };
  ragged("targets", "target_ptr", targets, H5T_STD_I32LE);
  if (kind == "poisson") ragged("onsets", "onset_ptr", onsets, H5T_STD_I64LE);  // on every rank
}

void Hdf5Output::record(const std::vector<SpikeEvents>& chunk) {
  State& s = *state_;
  std::vector<step_t> steps;
  std::vector<std::uint32_t> neurons;
  std::vector<spike_count_t> counts;
  std::vector<State::Block> blocks;
  // (checked together: one rank's failure alone would leave the others waiting)
  std::string invalid;
  for (const SpikeEvents& ev : chunk) {
    if (ev.steps.empty()) continue;
    if (ev.steps.back() >= s.description.recorded_steps)
      invalid = s.description.path + ": a spike at step " + std::to_string(ev.steps.back()) +
                ", beyond OutputDescription.recorded_steps = " +
                std::to_string(s.description.recorded_steps);
    else if (ev.network < s.first_network || ev.network - s.first_network >= s.n_local)
      invalid = s.description.path + ": spikes of network " + std::to_string(ev.network) +
                ", not one of this rank's";
    if (!invalid.empty()) break;
    blocks.push_back({ev.network, steps.size(), ev.steps.size()});
    steps.insert(steps.end(), ev.steps.begin(), ev.steps.end());
    neurons.insert(neurons.end(), ev.neurons.begin(), ev.neurons.end());
    if (s.description.with_counts) counts.insert(counts.end(), ev.counts.begin(), ev.counts.end());
    s.spikes_per_network[ev.network - s.first_network] += ev.spikes();
  }
  require_together(invalid.empty(), invalid, s.comm);
  const Offsets o = exscan(steps.size(), s.comm);
  if (o.total == 0) return;
  const hsize_t start = s.events_in_file + o.offset, new_size = s.events_in_file + o.total;
  bool extended = true;
  for (hid_t d : {s.step.get(), s.neuron.get(), s.count.get()})
    if (d >= 0) extended = extended && H5Dset_extent(d, &new_size) >= 0;
  fail_together(!extended, extended ? std::string() : write_failure(s.step), s.comm);
  write_part(s.step, H5T_NATIVE_INT64, start, steps.size(), steps.data(), s.comm);
  write_part(s.neuron, H5T_NATIVE_UINT32, start, neurons.size(), neurons.data(), s.comm);
  if (s.count.get() >= 0)
    write_part(s.count, H5T_NATIVE_UINT16, start, counts.size(), counts.data(), s.comm);
  for (auto& b : blocks) {
    b.offset += start;
    s.blocks.push_back(b);
  }
  s.events_in_file = new_size;
}

void Hdf5Output::write_summary(const NetworkHealth& health) {
  State& s = *state_;
  require_together(health.clipped.size() == s.n_local && health.non_finite.size() == s.n_local &&
                       health.runaway.size() == s.n_local,
                   "output: the health of every owned network is needed", s.comm);
  H5Handle networks(h5_check(H5Gopen2(s.file, "networks", H5P_DEFAULT), "no /networks"), H5Gclose);
  write_distributed(networks, "spike_count", H5T_STD_U64LE, s.spikes_per_network, s.comm);
  std::vector<double> rate_hz;  // spikes per neuron per recorded second
  for (std::size_t k = 0; k < s.spikes_per_network.size(); ++k) {
    const double neuron_ms = static_cast<double>(s.neurons_per_network.at(k)) *
                             static_cast<double>(s.description.recorded_steps) * s.description.dt;
    rate_hz.push_back(neuron_ms > 0 ? 1000.0 * s.spikes_per_network[k] / neuron_ms : 0.0);
  }
  write_distributed(networks, "rate_hz", H5T_IEEE_F64LE, rate_hz, s.comm);
  write_distributed(networks, "clipped_probabilities", H5T_STD_U64LE, health.clipped, s.comm);
  write_distributed(networks, "non_finite_rates", H5T_STD_U64LE, health.non_finite, s.comm);
  write_distributed(networks, "runaway_step", H5T_STD_I64LE, health.runaway, s.comm);
}

void Hdf5Output::finalize() {
  State& s = *state_;
  // Blocks sorted by network: rank r's networks precede rank r+1's, so the global table is
  // sorted too and network g's blocks are block_ptr[g] .. block_ptr[g+1].
  std::stable_sort(
      s.blocks.begin(), s.blocks.end(),
      [](const State::Block& a, const State::Block& b) { return a.network < b.network; });
  std::vector<std::uint64_t> offset, length, per_network(s.n_local, 0);
  for (const auto& b : s.blocks) {
    offset.push_back(b.offset);
    length.push_back(b.length);
    ++per_network[b.network - s.first_network];
  }
  write_distributed(s.spikes_group, "block_offset", H5T_STD_U64LE, offset, s.comm);
  write_distributed(s.spikes_group, "block_length", H5T_STD_U64LE, length, s.comm);
  write_offsets(s.spikes_group, "block_ptr", per_network, s.first_network, s.description.n_networks,
                s.comm);

  // Everything on disk first, still marked incomplete; then the mark alone.
  bool failed = H5Fflush(s.file, H5F_SCOPE_GLOBAL) < 0;
  fail_together(failed, failed ? write_failure(s.file) : std::string(), s.comm);
  H5Handle complete(H5Aopen(s.file, "complete", H5P_DEFAULT), H5Aclose);
  const int one = 1;
  failed = complete.get() < 0 || H5Awrite(complete, H5T_NATIVE_INT, &one) < 0;
  fail_together(failed, failed ? write_failure(s.file) : std::string(), s.comm);
  complete.reset();
  s.step.reset(), s.neuron.reset(), s.count.reset(), s.spikes_group.reset(), s.stimuli.reset();
  failed = H5Fclose(s.file) < 0;  // (collective; where it failed the handle stays for discard())
  if (!failed) (void)s.file.release();
  fail_together(failed, s.partial_path + ": cannot close the output", s.comm);
  s.closed = true;
  // On disk before it takes its name: the run then deletes the spill files and checkpoints it
  // was made from (every rank flushes what it wrote). Where that failed anywhere, bytes of the
  // file may be lost though it says complete = 1: it is removed (the spill files and
  // checkpoints, kept, write it again).
  failed = !detail::sync_file(s.partial_path);
  int any_failed = failed ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &any_failed, 1, MPI_INT, MPI_MAX, s.comm);
  if (any_failed != 0 && s.rank == 0) std::remove(s.partial_path.c_str());
  fail_together(failed,
                s.partial_path + ": cannot flush the output to its storage (an I/O error" +
                    (failed ? detail::space_note(s.partial_path) : std::string()) +
                    "); it is removed",
                s.comm);
  int renamed = 1;
  if (s.rank == 0 && std::rename(s.partial_path.c_str(), s.description.path.c_str()) != 0)
    renamed = 0;
  int synced = 1;  // (the new name through a crash of the node: name_durable())
  if (s.rank == 0 && renamed && !detail::sync_directory_of(s.description.path)) synced = 0;
  MPI_Bcast(&renamed, 1, MPI_INT, 0, s.comm);
  MPI_Bcast(&synced, 1, MPI_INT, 0, s.comm);
  name_durable_ = synced != 0;
  if (!renamed)  // (checked before the run: this is a file system that changed under it)
    throw std::runtime_error(s.description.path + ": cannot rename " + s.partial_path +
                             " to it; the whole result is in " + s.partial_path +
                             " (complete = 1): rename it yourself");
  s.finalized = true;
}

std::uint64_t Hdf5Output::local_spikes() const {
  return std::accumulate(state_->spikes_per_network.begin(), state_->spikes_per_network.end(),
                         std::uint64_t(0));
}

}  // namespace kascade
