// Write throughput of kascade's HDF5 output path (Hdf5Output, the parallel HDF5 writer a run
// uses) against a plain sequential write of the same bytes, measured in the same iteration.
//
// One iteration writes `events` spike events (12 bytes each: int64 step + uint32 neuron, what
// /spikes/step and /spikes/neuron store per event) twice into one fresh temporary directory:
//   hdf5   Hdf5Output: create the .partial file, write_networks (100 networks of 20 neurons, no
//          synapses), record() in chunks of `chunk` events (100 networks per chunk, as the
//          engine hands them over), write_summary, finalize (spike index, complete = 1, close,
//          rename). Timed from the constructor to the end of finalize.
//   seq    fopen, fwrite of the same bytes in the same chunks, fflush, fclose.
// Neither is fsync'ed (HDF5 does not fsync on close either), so both measure the path into the
// page cache; seq_fsync_MBps repeats the plain write with an fsync before the close, for the cost
// of reaching the disk.
//
// Counters (MB = 10^6 bytes of spike events, 12 per event):
//   hdf5_MBps        events x 12 / time of the HDF5 path
//   seq_MBps         the same bytes / time of the plain write
//   hdf5_over_seq    hdf5_MBps / seq_MBps (1 = the output path is as fast as a plain write)
//   record_MBps      the same bytes / time spent in record() alone
//   seq_fsync_MBps   the plain write with fsync
// The Time column is the HDF5 path. The directory is $KASCADE_BENCH_TMPDIR, else $TMPDIR, else
// /tmp; the benchmark creates a kascade-bench-XXXXXX directory there and removes it.
//
// Under mpirun every rank writes its share (events / ranks) into the one HDF5 file and its own
// plain file; the iteration count is fixed so that every rank makes the same collective calls.
#include <benchmark/benchmark.h>
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "kascade/io/hdf5_output.hpp"

namespace kascade::bench {
namespace {

constexpr int kNetworks = 100;  // per rank, 20 neurons each
constexpr ordinal_t kNeurons = 20;
constexpr double kBytesPerEvent = sizeof(step_t) + sizeof(std::uint32_t);

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A temporary directory, removed with everything in it when it goes out of scope.
class TempDir {
 public:
  explicit TempDir(MPI_Comm comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    std::string name;
    if (rank == 0) {
      const char* base = std::getenv("KASCADE_BENCH_TMPDIR");
      if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
      if (base == nullptr || *base == '\0') base = "/tmp";
      std::string pattern = std::string(base) + "/kascade-bench-XXXXXX";
      if (mkdtemp(pattern.data()) != nullptr) name = pattern;
    }
    int length = static_cast<int>(name.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, comm);
    name.resize(static_cast<std::size_t>(length));
    MPI_Bcast(name.data(), length, MPI_CHAR, 0, comm);
    path_ = name;
    owner_ = rank == 0;
    comm_ = comm;
  }
  ~TempDir() {
    MPI_Barrier(comm_);
    std::error_code ignored;
    if (owner_ && !path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool owner_ = false;
  MPI_Comm comm_ = MPI_COMM_WORLD;
};

// One recorded chunk: `events` spike events spread over kNetworks networks, sorted by
// (step, neuron) within each network, as the engine hands them over.
std::vector<SpikeEvents> make_chunk(network_id_t first, std::uint64_t events, step_t first_step) {
  std::vector<SpikeEvents> chunk(kNetworks);
  for (int g = 0; g < kNetworks; ++g) {
    SpikeEvents& ev = chunk[static_cast<std::size_t>(g)];
    ev.network = first + static_cast<network_id_t>(g);
    const std::uint64_t n =
        events / kNetworks + (static_cast<std::uint64_t>(g) < events % kNetworks);
    ev.steps.resize(n);
    ev.neurons.resize(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      ev.steps[k] = first_step + static_cast<step_t>(k / kNeurons);
      ev.neurons[k] = static_cast<std::uint32_t>(k % kNeurons);
    }
  }
  return chunk;
}

// The same bytes as a chunk's events, interleaved (8-byte step, 4-byte neuron).
std::vector<char> chunk_bytes(const std::vector<SpikeEvents>& chunk) {
  std::vector<char> bytes;
  for (const SpikeEvents& ev : chunk)
    for (std::size_t k = 0; k < ev.steps.size(); ++k) {
      const char* s = reinterpret_cast<const char*>(&ev.steps[k]);
      const char* n = reinterpret_cast<const char*>(&ev.neurons[k]);
      bytes.insert(bytes.end(), s, s + sizeof(step_t));
      bytes.insert(bytes.end(), n, n + sizeof(std::uint32_t));
    }
  return bytes;
}

struct Hdf5Times {
  double total = 0, record = 0;
};

Hdf5Times write_hdf5(const std::string& path, const std::vector<const Network*>& networks,
                     const std::vector<std::vector<SpikeEvents>>& chunks, network_id_t first,
                     std::uint64_t n_networks, step_t steps, int n_chunks) {
  OutputDescription d;
  d.path = path;
  d.deck_text = "# bench_output\n";
  d.seed = 1;
  d.n_networks = n_networks;
  d.recorded_steps = steps;
  d.model_preset = "bernoulli_glm";
  Hdf5Times t;
  const auto start = Clock::now();
  {
    Hdf5Output out(d, MPI_COMM_WORLD, first, networks.size());
    out.write_networks(networks);
    const auto record_start = Clock::now();
    for (int c = 0; c < n_chunks; ++c)
      out.record(chunks[static_cast<std::size_t>(c) % chunks.size()]);
    t.record = seconds_since(record_start);
    NetworkHealth healthy;
    healthy.append_healthy(networks.size());
    out.write_summary(healthy);
    out.finalize();
  }
  t.total = seconds_since(start);
  return t;
}

// Plain sequential write of the chunks' bytes; fsync before the close when `sync`.
double write_plain(const std::string& path, const std::vector<std::vector<char>>& chunks,
                   int n_chunks, bool sync) {
  const auto start = Clock::now();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot create " + path);
  bool ok = true;
  for (int c = 0; c < n_chunks; ++c) {
    const std::vector<char>& b = chunks[static_cast<std::size_t>(c) % chunks.size()];
    ok = ok && std::fwrite(b.data(), 1, b.size(), f) == b.size();
  }
  ok = ok && std::fflush(f) == 0;
  if (sync) ok = ok && fsync(fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw std::runtime_error("cannot write " + path);
  return seconds_since(start);
}

void BM_Output(benchmark::State& state) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const auto total_events = static_cast<std::uint64_t>(state.range(0));
  const auto chunk_events = static_cast<std::uint64_t>(state.range(1));
  const int n_chunks = static_cast<int>((total_events + chunk_events - 1) / chunk_events);
  // This rank's share of every chunk.
  const std::uint64_t local_chunk =
      chunk_events / ranks + (static_cast<std::uint64_t>(rank) < chunk_events % ranks);

  TempDir dir(MPI_COMM_WORLD);
  if (!dir.ok()) {
    state.SkipWithError("cannot create a temporary directory");
    return;
  }
  const network_id_t first = static_cast<network_id_t>(rank) * kNetworks;
  const std::uint64_t n_networks = static_cast<std::uint64_t>(ranks) * kNetworks;
  std::vector<Network> nets(kNetworks);
  std::vector<const Network*> pointers;
  for (Network& n : nets) {
    n.n_neurons = kNeurons;
    n.row_ptr.assign(kNeurons + 1, 0);
    pointers.push_back(&n);
  }
  // Four distinct chunks, reused in turn (successive steps, so the file looks like a run's).
  const step_t steps_per_chunk = static_cast<step_t>(local_chunk / kNetworks / kNeurons + 1);
  std::vector<std::vector<SpikeEvents>> chunks;
  std::vector<std::vector<char>> bytes;
  for (int c = 0; c < 4; ++c) {
    chunks.push_back(make_chunk(first, local_chunk, c * steps_per_chunk));
    bytes.push_back(chunk_bytes(chunks.back()));
  }
  const std::string h5 = dir.path() + "/output.h5";
  const std::string plain = dir.path() + "/plain." + std::to_string(rank) + ".bin";

  double hdf5 = 0, record = 0, seq = 0, seq_sync = 0;
  try {
    for (auto _ : state) {
      const Hdf5Times t =
          write_hdf5(h5, pointers, chunks, first, n_networks, 4 * steps_per_chunk, n_chunks);
      MPI_Barrier(MPI_COMM_WORLD);
      const double s = write_plain(plain, bytes, n_chunks, false);
      std::remove(plain.c_str());
      const double s_sync = write_plain(plain, bytes, n_chunks, true);
      std::remove(plain.c_str());
      if (rank == 0) std::remove(h5.c_str());
      MPI_Barrier(MPI_COMM_WORLD);
      // The slowest rank sets the pace of a collective write.
      double local[4] = {t.total, t.record, s, s_sync}, slowest[4];
      MPI_Allreduce(local, slowest, 4, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      state.SetIterationTime(slowest[0]);
      hdf5 += slowest[0];
      record += slowest[1];
      seq += slowest[2];
      seq_sync += slowest[3];
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const double mb = static_cast<double>(n_chunks) * static_cast<double>(chunk_events) *
                    kBytesPerEvent * 1e-6 * static_cast<double>(state.iterations());
  auto& k = state.counters;
  k["events"] = static_cast<double>(static_cast<std::uint64_t>(n_chunks) * chunk_events);
  k["hdf5_MBps"] = mb / hdf5;
  k["record_MBps"] = mb / record;
  k["seq_MBps"] = mb / seq;
  k["seq_fsync_MBps"] = mb / seq_sync;
  k["hdf5_over_seq"] = seq / hdf5;
  state.SetBytesProcessed(static_cast<std::int64_t>(mb * 1e6));
}

}  // namespace

// Fixed iteration counts: every rank must make the same collective calls.
BENCHMARK(BM_Output)
    ->Args({1000000, 100000})
    ->ArgNames({"events", "chunk"})
    ->Iterations(10)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Output)
    ->Args({10000000, 100000})
    ->ArgNames({"events", "chunk"})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace kascade::bench
