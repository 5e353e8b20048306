#include "kascade/io/export.hpp"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "common/hdf5_access.hpp"
#include "kascade/core/error.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/network/loaders.hpp"

namespace kascade {

using detail::create_group;
using detail::H5Handle;
using detail::write_1d;
namespace fs = std::filesystem;

namespace {

void require_complete(const OutputReader& reader, const std::string& file) {
  require(reader.complete(), file + ": the run is not complete; resume it before exporting");
}

// Refuses a directory that the export would mix with other files: an existing non-empty one
// unless `overwrite`, and one where a name of `files` is taken by a directory.
void check_target(const std::string& dir, const std::vector<std::string>& files, bool overwrite,
                  const std::string& source) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (const auto& name : files)  // (--overwrite would replace the file being read)
    require(!fs::equivalent(fs::path(dir) / name, source, ec),
            (fs::path(dir) / name).string() + ": is the file being exported; export elsewhere");
  require(fs::is_directory(dir, ec), dir + ": exists and is not a directory");
  const bool empty = fs::is_empty(dir, ec);
  require(!ec, dir + ": cannot read the directory");
  require(empty || overwrite, dir +
                                  ": the directory is not empty; pass --overwrite to replace the "
                                  "files of the same names, or export into a new directory");
  for (const auto& name : files) {
    const fs::path path = fs::path(dir) / name;
    require(!fs::is_directory(fs::symlink_status(path, ec)),
            path.string() + ": is a directory, which the export cannot replace");
  }
}

bool is_numbered_npy(const std::string& name) {
  const std::size_t stem = name.size() - std::min<std::size_t>(name.size(), 4);
  return stem > 0 && name.compare(stem, 4, ".npy") == 0 &&
         std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(stem),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// An npy export is read as the set of <dir>/<g>.npy: <number>.npy files that this export would
// not replace would pass for networks of it, so they are refused (even with --overwrite, which
// replaces files but deletes none).
void refuse_other_npy(const std::string& dir, const std::vector<std::string>& files) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  const std::set<std::string> ours(files.begin(), files.end());
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_numbered_npy(name) && ours.count(name) == 0) others.push_back(name);
  }
  require(!ec, dir + ": cannot read the directory");
  if (others.empty()) return;
  const auto first = *std::min_element(others.begin(), others.end(), [](auto& a, auto& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;  // numeric order
  });
  const std::string more =
      others.size() > 1 ? " and " + std::to_string(others.size() - 1) + " more <number>.npy" : "";
  const std::string ours_text =
      files.empty() ? "no files"
                    : files.front() + (files.size() > 1 ? " ... " + files.back() : std::string());
  throw InputError(dir + ": holds " + first + more + " that this export (" + ours_text +
                   ") would not replace: they would pass for networks of it (an earlier export "
                   "of more networks, or one named without zero-padding); remove them or export "
                   "into an empty directory");
}

// The files of one export, written into a fresh folder inside the output directory and moved
// into place by commit(); until then, destroying it removes everything this export created.
class Staging {
 public:
  // (`dir` as given, resolved by the system as check_target saw it: "link/../out" is not "out")
  explicit Staging(const std::string& dir) : dir_(dir) {
    std::error_code ec;
    for (fs::path p = dir_; p.has_relative_path() && !fs::exists(fs::symlink_status(p, ec));
         p = p.parent_path())
      created_.push_back(p);  // innermost first, the order to remove them in (no dangling link)
    try {
      fs::create_directories(dir_, ec);
      require(!ec && fs::is_directory(dir_), dir + ": cannot create the directory");
      std::string name = (dir_ / "export.partial-XXXXXX").string();
      if (mkdtemp(name.data()) == nullptr) {  // a full file system is no fault of the input
        const std::string why = dir + ": cannot write into the directory";
        if (errno == ENOSPC || errno == EDQUOT) throw std::runtime_error(why + detail::kNoSpace);
        throw InputError(why);
      }
      staging_ = name;
    } catch (...) {
      discard();
      throw;
    }
  }
  ~Staging() {
    if (!committed_) discard();
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  std::string file(const std::string& name) const { return (staging_ / name).string(); }

  // Each rename replaces a file of the same name at once (same file system). A rename that
  // fails after others succeeded (rare: one directory) leaves those replaced, and says so.
  void commit(const std::vector<std::string>& names) {
    std::error_code ec;
    for (const auto& name : names) {
      const fs::path target = dir_ / name;
      const bool fresh = !fs::exists(fs::symlink_status(target, ec));
      fs::rename(staging_ / name, target, ec);
      require(!ec, target.string() + ": cannot move the exported file into place" +
                       (moved_.size() + replaced_ > 0 ? " (files moved before it stay)" : ""));
      if (!fresh) ++replaced_;
      if (fresh) moved_.push_back(target);
    }
    fs::remove(staging_, ec);
    committed_ = true;
  }

 private:
  void discard() noexcept {
    std::error_code ec;
    if (!staging_.empty()) fs::remove_all(staging_, ec);
    for (const auto& p : moved_) fs::remove(p, ec);
    for (const auto& p : created_) fs::remove(p, ec);  // (only while empty: nobody else's files)
  }

  fs::path dir_, staging_;
  std::vector<fs::path> created_, moved_;  // directories made, files moved in where none was
  std::size_t replaced_ = 0;               // files moved over earlier ones
  bool committed_ = false;
};

// The SONATA enum of a population's "sorting": none = 0, by_id = 1, by_time = 2.
H5Handle sorting_type() {
  H5Handle sorting(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose);
  const std::uint8_t values[3] = {0, 1, 2};
  H5Tenum_insert(sorting, "none", &values[0]);
  H5Tenum_insert(sorting, "by_id", &values[1]);
  H5Tenum_insert(sorting, "by_time", &values[2]);
  return sorting;
}

void write_spike_population(hid_t spikes, hid_t sorting, const std::string& name,
                            const NetworkSpikes& s, double dt) {
  std::vector<double> times;
  std::vector<std::uint64_t> nodes;
  for (std::size_t e = 0; e < s.steps.size(); ++e) {  // a count of k is k spikes
    const int repeat = s.counts.empty() ? 1 : s.counts[e];
    for (int k = 0; k < repeat; ++k) {
      times.push_back(static_cast<double>(s.steps[e]) * dt);
      nodes.push_back(s.neurons[e]);
    }
  }
  const H5Handle pop = create_group(spikes, name);
  const std::uint8_t by_time = 2;  // events are in step order
  H5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(H5Acreate2(pop, "sorting", sorting, scalar, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Awrite(a, sorting, &by_time);
  write_1d(pop, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, times);
  write_1d(pop, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, nodes);
  const H5Handle d(H5Dopen2(pop, "timestamps", H5P_DEFAULT), H5Dclose);
  detail::write_string_attribute(d, "units", "ms");
}

// Writes the spikes file and returns the networks, for the edges file.
std::vector<Network> write_spikes(const OutputReader& reader, const std::string& file,
                                  const std::vector<std::string>& names,
                                  const ExportProgress& progress) {
  const double dt = std::stod(reader.attributes().at("dt_ms"));
  detail::Hdf5Quiet quiet;
  detail::NewHdf5File f(file);
  H5Handle sorting, spikes;
  f.write([&] {
    detail::write_sonata_root_attributes(f);
    sorting = sorting_type();
    spikes = create_group(f, "spikes");
  });
  std::vector<Network> nets;
  for (std::uint64_t g = 0; g < names.size(); ++g) {
    const auto id = static_cast<network_id_t>(g);
    const auto events = reader.spikes(id);  // (the input's errors stay its own)
    f.write([&] { write_spike_population(spikes, sorting, names[g], events, dt); });
    nets.push_back(reader.network(id));
    if (progress) progress(g + 1, names.size());
  }
  sorting.reset(), spikes.reset();
  f.close();
  return nets;
}

void require_dense(const std::string& file, std::uint64_t g, double n, std::int64_t max_neurons) {
  require(n <= static_cast<double>(max_neurons),
          file + ": network " + std::to_string(g) + " has " +
              std::to_string(static_cast<std::int64_t>(n)) + " neurons, more than --max-neurons " +
              std::to_string(max_neurons) + " for a dense matrix");
}

// A C-ordered 2-D array as .npy version 1.0: magic, header length, a Python dict padded so the
// data is 64-aligned, the data. `descr`: NumPy's type string ('<f4', '|u1', '<u2').
void write_npy_array(const std::string& path, const std::string& descr, std::uint64_t rows,
                     std::uint64_t columns, const void* data, std::size_t bytes) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(columns) + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(path + ": cannot write" + detail::space_note(path));
  const auto length = static_cast<std::uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(length & 0xff)).put(static_cast<char>(length >> 8));
  out << header;
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  out.close();  // (a full disk may show only here)
  if (out.fail()) throw std::runtime_error(path + ": cannot write" + detail::space_note(path));
}

// Network g's weights as a dense float32 [N, N], W[presynaptic][postsynaptic]. Adds to `lost`
// the synapses a dense matrix cannot hold.
void write_npy(const std::string& path, const Network& net, NpyLosses& lost) {
  const auto n = static_cast<std::size_t>(net.n_neurons);
  std::vector<float> dense(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i)
    for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
      dense[static_cast<std::size_t>(net.presynaptic[k]) * n + i] += net.weight[k];
      lost.zero_weights += net.weight[k] == 0.0f;  // (-0.0 too)
      // (a row lists its presynaptic neurons ascending: a pair's synapses are neighbours)
      lost.merged += k > net.row_ptr[i] && net.presynaptic[k] == net.presynaptic[k - 1];
    }
  write_npy_array(path, "<f4", n, n, dense.data(), dense.size() * sizeof(float));
}

// Network g's spikes as a dense [N, steps] raster (spikeometric's simulate() output): each
// neuron's spikes (Poisson: counts) per recorded step. An event outside it: a corrupt file.
template <class T>
void write_raster(const std::string& path, const char* descr, std::uint64_t n, std::uint64_t steps,
                  const NetworkSpikes& s, const std::string& file, std::uint64_t g) {
  std::vector<T> raster;
  try {
    raster.assign(n * steps, T(0));
  } catch (const std::bad_alloc&) {
    throw std::runtime_error(
        file + ": network " + std::to_string(g) + "'s raster (" +
        number_text(static_cast<double>(n * steps * sizeof(T)) / 1073741824.0) +
        " GiB) does not fit in memory");
  }
  for (std::size_t e = 0; e < s.steps.size(); ++e) {
    require(s.steps[e] >= 0 && static_cast<std::uint64_t>(s.steps[e]) < steps && s.neurons[e] < n,
            file + ": network " + std::to_string(g) + " has a spike at step " +
                std::to_string(s.steps[e]) + ", neuron " + std::to_string(s.neurons[e]) +
                " outside its " + std::to_string(n) + " neurons x " + std::to_string(steps) +
                " recorded steps (corrupt?)");
    raster[s.neurons[e] * steps + static_cast<std::uint64_t>(s.steps[e])] =
        s.counts.empty() ? T(1) : static_cast<T>(s.counts[e]);
  }
  write_npy_array(path, descr, n, steps, raster.data(), raster.size() * sizeof(T));
}

// Network g's index zero-padded to the width of the largest of n_networks: names that sort by
// text in the networks' order (SONATA readers order populations so, spikeometric its files).
std::string padded_index(std::uint64_t g, std::uint64_t n_networks) {
  const std::size_t width = std::to_string(n_networks > 0 ? n_networks - 1 : 0).size();
  const std::string digits = std::to_string(g);
  return std::string(width - std::min(width, digits.size()), '0') + digits;
}

}  // namespace

void detail::require_space(const std::string& dir, const double bytes, const std::string& what) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec);
  while (!ec && p.has_relative_path() && !fs::exists(p, ec)) p = p.parent_path();
  const fs::space_info space = fs::space(p, ec);
  if (ec) return;  // (unknown: the writes will say)
  require(bytes <= static_cast<double>(space.available),
          dir + ": " + what + " take " + number_text(bytes / 1073741824.0) +
              " GiB, more than the " +
              number_text(static_cast<double>(space.available) / 1073741824.0) + " GiB free there");
}

std::string sonata_population_name(std::uint64_t g, std::uint64_t n_networks) {
  return "network_" + padded_index(g, n_networks);
}

void export_sonata(const std::string& output_file, const std::string& dir, bool overwrite,
                   const ExportProgress& progress) {
  const OutputReader reader(output_file);
  require_complete(reader, output_file);
  const std::vector<std::string> files{"spikes.h5", "edges.h5"};
  check_target(dir, files, overwrite, output_file);
  std::vector<std::string> names;
  for (std::uint64_t g = 0; g < reader.n_networks(); ++g)
    names.push_back(sonata_population_name(g, reader.n_networks()));

  Staging staging(dir);
  const std::vector<Network> nets = write_spikes(reader, staging.file(files[0]), names, progress);
  std::vector<const Network*> ptrs;
  for (const auto& n : nets) ptrs.push_back(&n);
  write_sonata_edges(staging.file(files[1]), names, ptrs);
  if (progress) progress(reader.n_networks(), reader.n_networks());  // (its last chance to stop)
  staging.commit(files);
}

NpyLosses export_npy(const std::string& output_file, const std::string& dir, bool overwrite,
                     std::int64_t max_neurons, const ExportProgress& progress) {
  const OutputReader reader(output_file);
  require_complete(reader, output_file);
  const std::uint64_t G = reader.n_networks();
  const std::vector<double> sizes = reader.per_network("n_neurons");
  for (std::uint64_t g = 0; g < G && g < sizes.size(); ++g)
    require_dense(output_file, g, sizes[g], max_neurons);  // all before writing any
  std::vector<std::string> files;
  for (std::uint64_t g = 0; g < G; ++g) files.push_back(padded_index(g, G) + ".npy");
  check_target(dir, files, overwrite, output_file);
  refuse_other_npy(dir, files);

  Staging staging(dir);
  NpyLosses lost;
  for (std::uint64_t g = 0; g < G; ++g) {
    const Network net = reader.network(static_cast<network_id_t>(g));
    require_dense(output_file, g, net.n_neurons, max_neurons);  // (should the sizes disagree)
    write_npy(staging.file(files[g]), net, lost);
    if (progress) progress(g + 1, G);
  }
  staging.commit(files);
  return lost;
}

void export_raster(const std::string& output_file, const std::string& dir, bool overwrite,
                   const ExportProgress& progress) {
  const OutputReader reader(output_file);
  require_complete(reader, output_file);
  const auto about = reader.attributes();
  const auto recorded = about.find("recorded_steps");
  long long recorded_steps = 0;
  try {
    if (recorded != about.end()) recorded_steps = std::stoll(recorded->second);
  } catch (const std::exception&) {
    throw InputError(output_file + ": recorded_steps '" + recorded->second +
                     "' is not a number (corrupt?)");
  }
  require(recorded_steps >= 0,
          output_file + ": recorded_steps " + recorded->second + " is negative (corrupt?)");
  require(recorded_steps > 0, output_file + ": has no recorded steps (written by kascade " +
                                  "generate or tune): no spikes to export");
  const auto steps = static_cast<std::uint64_t>(recorded_steps);
  const bool counts = reader.has("/spikes/count");  // (Poisson emissions)
  const std::size_t item = counts ? sizeof(spike_count_t) : 1;
  const std::uint64_t G = reader.n_networks();
  const std::vector<double> sizes = reader.per_network("n_neurons");
  double bytes = 0;
  for (const double n : sizes) bytes += n * static_cast<double>(steps) * static_cast<double>(item);
  detail::require_space(dir, bytes,
                        "the rasters (neurons x steps x " + std::to_string(item) + " bytes)");
  std::vector<std::string> files;
  for (std::uint64_t g = 0; g < G; ++g) files.push_back(padded_index(g, G) + ".npy");
  check_target(dir, files, overwrite, output_file);
  refuse_other_npy(dir, files);

  Staging staging(dir);
  for (std::uint64_t g = 0; g < G; ++g) {
    const auto id = static_cast<network_id_t>(g);
    const auto n = static_cast<std::uint64_t>(sizes.at(g));
    if (counts)
      write_raster<spike_count_t>(staging.file(files[g]), "<u2", n, steps, reader.spikes(id),
                                  output_file, g);
    else
      write_raster<std::uint8_t>(staging.file(files[g]), "|u1", n, steps, reader.spikes(id),
                                 output_file, g);
    if (progress) progress(g + 1, G);
  }
  staging.commit(files);
}

}  // namespace kascade
