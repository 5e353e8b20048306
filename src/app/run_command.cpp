#include "kascade/app/run_command.hpp"

#include <mpi.h>
#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "batch_engine.hpp"
#include "checkpointer.hpp"
#include "flagged_networks.hpp"
#include "input_fingerprint.hpp"
#include "interrupt_notice.hpp"
#include "kascade/core/error.hpp"
#include "kascade/core/fault.hpp"
#include "kascade/core/version.hpp"
#include "kascade/engine/engine.hpp"
#include "kascade/io/checkpoint.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/io/spill_file.hpp"
#include "kascade/io/stimulus_file.hpp"
#include "local_plan.hpp"
#include "memory_estimate.hpp"
#include "output_lock.hpp"
#include "progress.hpp"
#include "restart_files.hpp"
#include "tune_plan.hpp"

namespace kascade::app {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

// Estimated cost of one network per step: synapses plus neurons times kernel length.
std::vector<double> network_costs(const RunConfig& c, int kernel_length) {
  std::vector<double> cost(c.networks.count);
  for (network_id_t g = 0; g < c.networks.count; ++g) cost[g] = c.networks.cost(g, kernel_length);
  return cost;
}

OutputDescription describe(const RunConfig& config, const CascadeModel& model,
                           const step_t stimulus_steps, const std::string& run_identity) {
  OutputDescription d;
  d.path = config.output;
  d.deck_text = config.deck_text;
  d.seed = config.seed;
  d.spike_seed = simulation_seed(config);
  d.n_networks = config.networks.count;
  d.recorded_steps = config.simulation.steps;
  d.stimulus_steps = stimulus_steps;
  d.equilibration_steps = config.simulation.equilibration_steps;
  d.dt = config.model.parameters(0)["dt"];
  d.model_preset = model.preset;
  d.run_hash = run_identity;
  d.with_counts = model.emission == Emission::poisson;
  return d;
}

// Everything known before the first step: connectivity, parameters, stimuli.
// `round`: elements per rank per collective write.
void write_inputs(Hdf5Output& output, const RunConfig& config, const LocalPlan& plan,
                  const std::uint64_t round) {
  output.write_networks(
      plan.neurons, plan.synapses,
      [&](std::uint64_t first, std::uint64_t count) { return plan.networks(first, count); }, round);
  output.write_parameters(plan.parameters, config.model.choices);
  for (std::size_t k = 0; k < config.stimuli.size(); ++k) {
    const StimulusSpec& spec = config.stimuli[k];
    std::map<std::string, std::vector<double>> values;
    // The strength as simulated: tuning may have changed the deck's.
    const std::string strength = spec.kind == StimulusKind::sinusoid ? "amplitude" : "strength";
    for (const auto& [key, fallback] : stimulus_parameters(spec.kind)) {
      auto& v = values[key];
      for (std::uint64_t j = 0; j < plan.range.count; ++j)
        v.push_back(key == strength
                        ? plan.stimuli[k][j].strength
                        : spec.value(key, static_cast<network_id_t>(plan.range.first + j)));
    }
    std::vector<const std::vector<ordinal_t>*> targets;
    std::vector<const std::vector<step_t>*> onsets;
    for (const auto& r : plan.stimuli[k])
      targets.push_back(&r.targets), onsets.push_back(&r.onsets);
    std::map<std::string, std::string> about;
    if (spec.kind == StimulusKind::loaded) {
      // (absolute: the deck's spelling is relative to the deck, which /deck does not locate)
      about["file"] = std::filesystem::absolute(spec.file).lexically_normal().string();
      about["dataset"] = spec.dataset;
      std::string weights;
      for (double w : spec.channel_weights)
        weights += (weights.empty() ? "" : ", ") + exact_text(w);
      about["channel_weights"] = "[" + weights + "]";
    }
    output.write_stimulus(spec.name, to_string(spec.kind), to_string(spec.targeting), about, values,
                          targets,
                          spec.kind == StimulusKind::poisson ? onsets : decltype(onsets){});
  }
}

std::uint64_t total_events(const SpillFile& spill, NetworkRange mine) {
  std::uint64_t n = 0;
  for (std::uint64_t j = 0; j < mine.count; ++j)
    n += spill.events(static_cast<network_id_t>(mine.first + j));
  return n;
}

// The spikes of every local network, network after network, in collective rounds of at most
// about `max_events` events per rank: memory stays bounded however long the run or large a
// network (a round takes whole spill blocks, each one chunk of one network), and a rank with
// fewer rounds appends nothing in the others. A spill file that cannot be read fails every rank
// together (the others would wait in the round's collective write).
void copy_spikes(SpillFile& spill, Hdf5Output& output, MPI_Comm comm, std::uint64_t max_events) {
  std::vector<SpillFile::Block> blocks = spill.blocks();
  std::stable_sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    return a.network < b.network;  // recorded order within a network
  });
  std::vector<std::pair<std::size_t, std::size_t>> rounds_of_blocks;  // [first, last) blocks
  for (std::size_t k = 0; k < blocks.size();) {
    std::size_t end = k;
    std::uint64_t events = 0;
    while (end < blocks.size() && (end == k || events + blocks[end].count <= max_events))
      events += blocks[end++].count;
    rounds_of_blocks.emplace_back(k, end);
    k = end;
  }
  std::uint64_t rounds = rounds_of_blocks.size();
  MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
  for (std::uint64_t r = 0; r < rounds; ++r) {
    std::vector<SpikeEvents> chunk;
    collectively(comm, [&] {
      if (r >= rounds_of_blocks.size()) return;
      NetworkSpikes s;
      for (std::size_t k = rounds_of_blocks[r].first; k < rounds_of_blocks[r].second; ++k) {
        spill.append(blocks[k], s);
        const bool last_of_network =
            k + 1 == rounds_of_blocks[r].second || blocks[k + 1].network != blocks[k].network;
        if (!last_of_network) continue;
        chunk.push_back(
            {blocks[k].network, std::move(s.steps), std::move(s.neurons), std::move(s.counts)});
        s = NetworkSpikes{};
      }
    });
    output.record(chunk);
    fault_point("assembly");  // testing hook: a kill mid-assembly
  }
}

// Every rank reads the deck and lists the network files itself: ranks given different decks (or
// working directories whose files differ) would each plan another run, and write one file from
// their parts that looks complete. Their text and listing are compared (collective).
void require_same_inputs_on_every_rank(const RunConfig& config, MPI_Comm comm) {
  std::string seen = config.deck_text + "\n# networks " + std::to_string(config.networks.count);
  for (const std::string& item : config.networks.items) seen += "\n# " + item;
  const std::uint64_t mine = deck_hash(seen);
  std::uint64_t low = mine, high = mine;
  MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_UINT64_T, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, &high, 1, MPI_UINT64_T, MPI_MAX, comm);
  require(low == high, config.deck_path +
                           ": the ranks read different decks, --set options or network files "
                           "(another working directory or file system on some node); give "
                           "every rank the same");
}

// An output that would replace the run's deck (-o deck.toml --overwrite) is refused, as export
// refuses one onto its source. (Data files it reads may be replaced: they are read before the
// output takes their name, and `kascade tune -o tuned.h5 --overwrite` from values in tuned.h5
// refines them.)
void refuse_output_over_deck(const RunConfig& config) {
  std::error_code ec;
  require(!std::filesystem::equivalent(config.output, config.deck_path, ec),
          config.output + ": is this run's deck; write the output to another file (-o)");
}

// What a checkpoint must have been written by to be resumed: the same deck (its values after the
// --set options, and those read from files: RunConfig::identity), the same network and stimulus
// files (`inputs`: input_fingerprint) and the same build, which alone promises the same bits.
std::uint64_t run_hash(const RunConfig& config, const std::uint64_t inputs) {
  return deck_hash(config.identity + "\n# built as kascade " + version() + " " + git_revision() +
                   " " + kokkos_backend() + "\n# inputs " + std::to_string(inputs));
}

// What an output keeps of the command that made it (its root attribute run_hash): the run's
// hash and what the command writes (steps, only networks, tuned values).
std::string command_hash(const RunConfig& config, const std::uint64_t inputs,
                         const RunOptions& options) {
  const char* writes = options.connectivity_only ? "generate" : options.tune_only ? "tune" : "run";
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(
                    deck_hash(std::to_string(run_hash(config, inputs)) + " " + writes)));
  return text;
}

// The run_hash of a complete kascade output at `path`, or "" (none, incomplete, another file).
std::string complete_output_hash(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";  // (a FIFO would block HDF5)
  try {
    const OutputReader file(path);
    if (!file.complete()) return "";
    const auto attributes = file.attributes("/");
    const auto at = attributes.find("run_hash");
    return at == attributes.end() ? "" : at->second;
  } catch (const InputError&) {
    return "";
  }
}

// The checkpoint this rank resumes from, if any. A rank without one (it owns no network, or was
// stopped before its first checkpoint while others had written theirs) starts its own networks
// over: no rank's spikes depend on another's, so the file is the same. A checkpoint of another
// deck or rank count is refused (read_checkpoint). `kascade generate` and `tune` record no steps
// but would write the same output and spill files: they refuse an interrupted run's output
// before any work (run_command).
std::optional<Checkpoint> find_checkpoint(const RunOptions& options, const RunConfig& config,
                                          const std::uint64_t inputs, const std::string& path,
                                          int ranks, int rank) {
  if (options.connectivity_only || options.tune_only) return std::nullopt;  // (refused earlier)
  if (options.fresh) {
    std::remove(path.c_str());
    std::remove((path + ".tmp").c_str());
    if (rank == 0) remove_rank_files_from(config.output, ranks);  // an earlier run's, more ranks
    return std::nullopt;
  }
  if (!std::filesystem::exists(path)) return std::nullopt;
  return read_checkpoint(path, run_hash(config, inputs), ranks, rank);
}

// The plan, without running it: what each rank owns, its batches, memory and output size.
void print_plan(const RunConfig& config, const LocalPlan& plan,
                const std::vector<NetworkRange>& batches, const std::vector<double>& bytes,
                const bool with_counts, MPI_Comm comm) {
  // networks, batches, largest batch, connectivity bytes, host bytes, networks made again
  const bool kept = keeps_networks(config.networks, plan.range);
  double local[6] = {static_cast<double>(plan.range.count),
                     static_cast<double>(batches.size()),
                     0,
                     0,
                     0,
                     kept ? 0.0 : 1.0};
  std::size_t k = 0;
  for (const NetworkRange& b : batches) {  // largest batch memory
    double used = 0;
    for (std::uint64_t j = 0; j < b.count; ++j) used += bytes[k++];
    local[2] = std::max(local[2], used);
  }
  double synapses = 0;
  for (offset_t n : plan.synapses) synapses += static_cast<double>(n);
  local[3] = 12.0 * synapses + 4.0 * static_cast<double>(plan.synapses.size());
  local[4] =
      host_bytes({local[0], plan.total_neurons(), synapses, local[2], kept, with_counts}, config);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::vector<double> all(6 * static_cast<std::size_t>(ranks));
  MPI_Gather(local, 6, MPI_DOUBLE, all.data(), 6, MPI_DOUBLE, 0, comm);
  double neurons = plan.total_neurons();
  MPI_Allreduce(MPI_IN_PLACE, &neurons, 1, MPI_DOUBLE, MPI_SUM, comm);
  if (rank != 0) return;
  const double gib = 1073741824.0, mib = 1048576.0;
  std::printf("plan for %s: %s, %.0f neurons, %lld recorded + %lld equilibration steps\n",
              config.deck_path.c_str(), count_text(config.networks.count, "network").c_str(),
              neurons, static_cast<long long>(config.simulation.steps),
              static_cast<long long>(config.simulation.equilibration_steps));
  double connectivity = 0;
  for (int r = 0; r < ranks; ++r) {
    const double* v = &all[6 * static_cast<std::size_t>(r)];
    std::printf(
        "  rank %d: %s in %s, largest batch %.3f GiB of device memory; "
        "about %.1f %s of host memory%s\n",
        r, count_text(static_cast<unsigned long long>(v[0]), "network").c_str(),
        count_text(static_cast<unsigned long long>(v[1]), "batch", "batches").c_str(), v[2] / gib,
        v[4] < gib ? v[4] / mib : v[4] / gib, v[4] < gib ? "MiB" : "GiB",
        v[5] > 0 ? " (networks made again where needed, over KASCADE_KEEP_NETWORKS_MIB)" : "");
    connectivity += v[3];
  }
  const double dt = config.model.parameters(0)["dt"];
  const double hz = planned_rate_hz(config);  // (the mean of its tuning targets, else 10 Hz)
  const double spikes = neurons * config.simulation.steps * dt / 1000.0 * hz;
  const double event_bytes = with_counts ? 14.0 : 12.0;  // step, neuron (, count)
  std::printf(
      "  output: connectivity %.1f MiB; %s %.0f bytes each, %.1f MiB at %s Hz (the spill "
      "files keep the spikes too until the file is whole: about as much again on disk)\n",
      connectivity / mib, with_counts ? "spike events (with counts)" : "spikes", event_bytes,
      event_bytes * spikes / mib, number_text(hz).c_str());
  if (config.tune) {
    const TuneSettings& t = *config.tune;
    std::printf("  tuning first: %s by %s, at most %d epochs of %lld steps\n",
                parameter_list(t).c_str(), to_string(resolved_method(t)), t.max_epochs,
                static_cast<long long>(t.steps));
  }
}

// The summary line (unless `quiet`) and the warnings (always: they are about the data) on rank 0;
// `seconds`: this process's (since it resumed, if `resumed`). Collective.
void report(const RunConfig& config, const LocalPlan& plan, const Hdf5Output& output,
            const NetworkHealth& health, double seconds, const bool resumed, MPI_Comm comm,
            const bool quiet) {
  double neurons = plan.total_neurons(), totals[3] = {0, 0, 0};
  totals[0] = static_cast<double>(output.local_spikes());
  for (auto c : health.clipped) totals[1] += static_cast<double>(c);
  for (auto n : health.non_finite) totals[2] += static_cast<double>(n);
  MPI_Allreduce(MPI_IN_PLACE, &neurons, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, totals, 3, MPI_DOUBLE, MPI_SUM, comm);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::vector<std::uint64_t> runaway_ids, clipped_ids, non_finite_ids;  // (named by warnings)
  for (std::size_t k = 0; k < health.runaway.size(); ++k) {
    if (health.runaway[k] >= 0) runaway_ids.push_back(plan.range.first + k);
    if (health.clipped[k] > 0) clipped_ids.push_back(plan.range.first + k);
    if (health.non_finite[k] > 0) non_finite_ids.push_back(plan.range.first + k);
  }
  const std::string runaway = flagged_networks(runaway_ids, comm),
                    clipped = flagged_networks(clipped_ids, comm),
                    non_finite = flagged_networks(non_finite_ids, comm);
  if (rank != 0) return;
  const double dt = config.model.parameters(0)["dt"];
  const double rate_hz = totals[0] / (neurons * config.simulation.steps) * 1000.0 / dt;
  const int threads = Exec().concurrency();  // (host backends: each rank's; a GPU: its lanes)
  const std::string on =
      count_text(static_cast<unsigned long long>(ranks), "rank") +
      (threads > 1 && Kokkos::SpaceAccessibility<Exec, Kokkos::HostSpace>::accessible
           ? (ranks > 1 ? " of " : " with ") + count_text(threads, "thread")
           : std::string()) +
      (resumed ? " since it resumed" : "");
  if (!quiet)
    std::fprintf(stderr,
                 "[kascade] wrote %s: %s, %lld steps, %.0f spikes (%.2f Hz mean), %.2f s "
                 "on %s\n",
                 config.output.c_str(), count_text(config.networks.count, "network").c_str(),
                 static_cast<long long>(config.simulation.steps), totals[0], rate_hz, seconds,
                 on.c_str());
  if (totals[1] > 0)
    std::fprintf(stderr,
                 "[kascade] warning: %.0f spike probabilities outside [0, 1] (Bernoulli) or "
                 "Poisson counts out of range were clipped, in %s (per network: "
                 "/networks/clipped_probabilities)\n",
                 totals[1], clipped.c_str());
  if (totals[2] > 0)
    std::fprintf(stderr,
                 "[kascade] warning: %.0f rates were not finite (NaN or infinite input), in %s "
                 "(counted per network in /networks/non_finite_rates)\n",
                 totals[2], non_finite.c_str());
  if (!runaway.empty())
    std::fprintf(stderr,
                 "[kascade] warning: %s fired above simulation.runaway_rate_hz = %g Hz over a "
                 "record_interval (%s); see /networks/runaway_step\n",
                 runaway.c_str(), config.simulation.runaway_rate_hz,
                 config.simulation.runaway_stop ? "their later spikes were not kept"
                                                : "their spikes were all kept");
}

}  // namespace

void run_command(const RunOptions& options, MPI_Comm comm) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const auto started = std::chrono::steady_clock::now();

  int node_ranks = 1;  // (the ranks sharing this node's memory)
  {
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &node_ranks);
    MPI_Comm_free(&node);
  }
  RunConfig config;
  step_t deck_steps = 0;  // (the stimuli's, also with none recorded)
  CascadeModel model;     // the structure all networks share
  // An existing output is refused (without --overwrite) unless the same command made it, which
  // then has nothing to do: a resubmitted job whose file is complete ends at once, with status 0.
  std::string made_by;  // (known once the input files are: command_hash)
  const auto refuse_existing_output = [&](const bool knowing) {
    std::error_code ec;  // (rank 0 reads the file: not every rank of a large run)
    if (options.overwrite || options.dry_run || rank != 0 ||
        !std::filesystem::exists(config.output, ec))
      return;
    const std::string found = complete_output_hash(config.output);
    if (found.empty())
      throw InputError(config.output + ": output file exists (pass --overwrite to replace it)");
    if (knowing && found != made_by)
      throw InputError(config.output +
                       ": output file exists, made by another command (its subcommand, deck, "
                       "options, input files or build differ; pass --overwrite to replace it)");
  };
  // Whether this command made the output already (collective: rank 0 looks, and says).
  const auto done_already = [&] {
    int done = rank == 0 && !options.overwrite && !options.dry_run &&
               complete_output_hash(config.output) == made_by;
    MPI_Bcast(&done, 1, MPI_INT, 0, comm);
    if (done && rank == 0 && !options.quiet)
      std::fprintf(stderr,
                   "[kascade] %s is complete, made by this command (its deck, options, input "
                   "files and build): nothing to do; --overwrite makes it again\n",
                   config.output.c_str());
    return done != 0;
  };
  // Every rank reads the deck (and the files it names), rank 0 looks at the output; any rank's
  // error stops all ranks, also where they see different things (a file on one node only).
  collectively(comm, [&] {
    config = read_deck(options.deck, options.overrides);
    if (!options.output.empty()) config.output = options.output;
    if (options.no_tune && config.tune) {
      config.tune.reset();
      config.deck_text += "\n# --no-tune";  // (another run than the deck's: not its checkpoints)
      config.identity += "\n# --no-tune";
    }
    deck_steps = config.simulation.steps;
    require(!options.tune_only || config.tune.has_value(),
            config.deck_path + ": `kascade tune` needs a [tune] section in the deck");
    if (options.connectivity_only || options.tune_only)
      config.simulation.steps = 0;  // recorded as such in the file
    // What would stop the output from taking its name is found before any step, not after them.
    std::error_code ec;
    for (const std::string& name : {config.output, config.output + ".partial"})
      require(!std::filesystem::is_directory(name, ec),
              name + ": is a directory; the output must be a file name");
    require_output_directory(config.output);
    const std::string ckpt = checkpoint_path(config.output, rank);
    require_no_links_at(
        {config.output + ".partial", spill_path(config.output, rank), ckpt, ckpt + ".tmp"});
    refuse_existing_output(false);
    refuse_output_over_deck(config);
    if (options.connectivity_only || options.tune_only) {  // (the same files on every rank)
      if (rank == 0) require_no_run_writing(config.output);
      for (const RankFile& f : rank_files(config.output))  // (a .tmp is never resumed from)
        require(!f.checkpoint || f.temporary,
                f.path + ": an interrupted run of " + config.output +
                    " resumes from this; write to another file (-o), or finish "
                    "or remove that run first");
    }
    model = config.model.build(0);
    require(model.nonlinearity != Nonlinearity::extension,
            config.deck_path +
                ": model.nonlinearity = \"extension\" needs a program built with a C++ "
                "extension (docs/extending.md); the kascade command has none");
    try {
      check_sizes(config, model.kernel_length(), model.emission == Emission::poisson, ranks,
                  node_ranks);
    } catch (const InputError& e) {
      throw InputError(with_value_sources(e.what(), config.value_sources));
    }
  });

  const bool with_counts = model.emission == Emission::poisson;  // (events carry counts)
  require_same_inputs_on_every_rank(config, comm);

  // The input files as the run reads them, before it does, once, on rank 0: checkpoints and the
  // output's run_hash keep it.
  std::uint64_t inputs = 0;
  if (!options.dry_run) {
    collectively(comm, [&] {
      if (rank == 0) inputs = input_fingerprint(config);
    });
    MPI_Bcast(&inputs, 1, MPI_UINT64_T, 0, comm);
  }
  made_by = command_hash(config, inputs, options);
  collectively(comm, [&] { refuse_existing_output(true); });
  if (done_already()) return;

  // Plan: which networks this rank owns, built locally; any rank's bad input stops all ranks.
  const NetworkRange mine =
      partition_by_cost(network_costs(config, model.kernel_length()), ranks, rank);
  LocalPlan plan;
  Progress generating("building networks", mine.count,
                      rank == 0 && !options.quiet && !options.dry_run, "networks", "synapses");
  collectively(comm, [&] {
    plan = make_local_plan(
        config, mine, deck_steps,
        [&](std::uint64_t done, std::uint64_t synapses) {
          generating.update(done, synapses);
          if (done == mine.count) generating.finish_if_shown(synapses);
        },
        !options.dry_run);
    if (!options.connectivity_only) check_neuron_targets(config, plan);
  });
  std::vector<double> bytes;
  std::vector<std::uint64_t> neurons;
  for (std::size_t j = 0; j < plan.neurons.size(); ++j) {
    bytes.push_back(batch_bytes(plan.range.first + j, plan.neurons[j],
                                static_cast<double>(plan.synapses[j]), model.kernel_length(),
                                config, with_counts));
    neurons.push_back(static_cast<std::uint64_t>(plan.neurons[j]));
  }
  std::vector<NetworkRange> batches;
  collectively(comm, [&] {
    batches = split_into_batches(mine, static_cast<std::uint64_t>(config.simulation.batch_size),
                                 bytes, config.simulation.memory_budget_gib * 1073741824.0, neurons,
                                 automatic_batch_neurons(config, neurons));
  });
  if (options.dry_run) {
    collectively(comm, [&] { check_loaded_stimuli(config, plan); });
    print_plan(config, plan, batches, bytes, with_counts, comm);
    return;
  }
  // One run per output (rank 0 holds the lock) from here, before anything is written; the
  // output is looked for again under the lock: a run of it may have finished meanwhile.
  std::optional<OutputLock> lock;
  collectively(comm, [&] {
    if (rank == 0) lock.emplace(config.output);
    refuse_existing_output(true);
  });
  if (done_already()) return;  // (a run of it finished meanwhile)
  if (rank == 0 && !lock->locked())
    std::fprintf(stderr,
                 "[kascade] warning: %s: this file system takes no locks; make sure that no "
                 "other run writes %s meanwhile\n",
                 OutputLock::path_of(config.output).c_str(), config.output.c_str());
  // Tuning (deterministic, so a restarted run tunes again to the same values), then the steps.
  std::optional<TuneOutcome> tuned;
  if (config.tune && !options.connectivity_only) {
    collectively(comm, [&] {
      tuned =
          tune_plan(config, plan, batches, comm, rank == 0 && !options.quiet, !options.tune_only);
    });
  }
  if (options.connectivity_only || options.tune_only) batches.clear();  // no steps

  // Steps: each rank simulates its batches on its own, spikes going to its spill file, with
  // periodic checkpoints; a restarted run continues from the last one.
  const std::string ckpt_path = checkpoint_path(config.output, rank);
  const std::string spill_name = spill_path(config.output, rank);
  // A run that stops on an error before its first checkpoint leaves nothing behind; after one,
  // the spill file is what a restart resumes from.
  struct RemoveUnlessCheckpointed {
    const std::string spill, checkpoint;
    ~RemoveUnlessCheckpointed() {
      std::error_code ec;  // (a file of that name: never a directory someone made)
      if (!std::filesystem::exists(checkpoint, ec) && std::filesystem::is_regular_file(spill, ec))
        std::remove(spill.c_str());
    }
  } cleanup{spill_name, ckpt_path};
  // Collectively: a rank that cannot open or restore its files stops every rank, with its message.
  std::optional<Checkpoint> resume;
  std::optional<SpillFile> spill_file;
  collectively(comm, [&] {
    resume = find_checkpoint(options, config, inputs, ckpt_path, ranks, rank);
    if (resume) batches = checkpoint_batches(*resume, mine, ckpt_path);
    spill_file.emplace(spill_name, mine.first, mine.count, with_counts, resume.has_value());
    if (resume) spill_file->restore(resume->spill);
  });
  SpillFile& spill = *spill_file;
  NetworkHealth health;  // of the completed batches' networks
  std::uint64_t first_batch = 0;
  if (resume) {
    health = resume->health;
    first_batch = resume->next_batch;
  }

  EngineSettings settings;
  settings.seed = simulation_seed(config);
  settings.equilibration_steps = config.simulation.equilibration_steps;
  settings.recorded_steps = config.simulation.steps;
  settings.chunk_steps = std::min(config.simulation.record_interval, config.simulation.steps);
  settings.runaway_spikes_per_step =
      config.simulation.runaway_rate_hz * config.model.parameters(0)["dt"] / 1000.0;
  settings.runaway_stop = config.simulation.runaway_stop;

  Checkpointer checkpoints(ckpt_path, run_hash(config, inputs), ranks, rank,
                           config.simulation.checkpoint_every, batches);
  // (Poisson counts: the progress counts events, neuron-steps with spikes; the summary spikes)
  Progress progress(
      "simulating", batches.size() * static_cast<std::uint64_t>(settings.recorded_steps),
      rank == 0 && !options.quiet && !batches.empty(), "steps", with_counts ? "events" : "spikes");
  if (resume) {
    const step_t in_batch =
        resume->in_batch ? std::max<step_t>(0, resume->state.step - settings.equilibration_steps)
                         : 0;
    progress.resume_from(first_batch * static_cast<std::uint64_t>(settings.recorded_steps) +
                         static_cast<std::uint64_t>(in_batch));
  }
  int resuming = resume.has_value();  // ranks (some may have had no checkpoint yet)
  MPI_Allreduce(MPI_IN_PLACE, &resuming, 1, MPI_INT, MPI_SUM, comm);
  if (rank == 0 && resuming > 0)  // (also under -q, as the interruption's line)
    std::fprintf(stderr, "[kascade] resuming %s from %s; --fresh starts over\n",
                 config.output.c_str(),
                 ranks == 1 ? ("its checkpoint (" + ckpt_path + ")").c_str()
                            : ("the checkpoints of " + std::to_string(resuming) + " of " +
                               count_text(static_cast<unsigned long long>(ranks), "rank") + " (" +
                               config.output + ".ckpt.N)")
                                  .c_str());
  // What the same command does after an interruption (a command with --fresh starts over).
  const std::string resumes = options.fresh ? "the command without --fresh resumes from "
                                            : "the same command resumes from ";
  change_interrupt_notice(
      resuming > 0
          ? "[kascade] interrupted: " + resumes + "the checkpoints this run resumed from"
          : std::string("[kascade] interrupted before its first checkpoint: the same command "
                        "starts over"),
      "[kascade] stopping: every rank writes a checkpoint at its next chunk, then ends (a second "
      "signal ends it at once)");
  // A signal now is acted on at the next chunk: each rank checkpoints, then ends. `where`: rank
  // 0's last checkpoint.
  const auto stop_if_interrupted = [&](const std::string& where) {
    if (interrupt_pending() == 0) return;
    end_as_interrupted(rank != 0 ? ""
                                 : "[kascade] interrupted: rank 0's checkpoint written " + where +
                                       "; " + resumes + "the checkpoints; --fresh starts over");
  };
  const auto after = [&](const std::uint64_t round, const step_t done) {
    const std::string batch =
        "batch " + std::to_string(round + 1) + "/" + std::to_string(batches.size());
    if (done == 0) return "in the equilibration of " + batch;  // (its chunks report 0 done)
    return "after " + std::to_string(done) + " of " + std::to_string(settings.recorded_steps) +
           " steps of " + batch;
  };
  std::optional<ScopedInterrupts> deferred(std::in_place, ScopedInterrupts::deferred);
  // The ranks simulate independently; one that fails stops every rank once all have finished
  // (collectively), instead of leaving them waiting at the assembly. A rank that waits for the
  // others acts on a signal at once: its last checkpoint is written.
  const auto waiting = [&] { stop_if_interrupted("once all its networks were simulated"); };
  collectively(comm, waiting, [&] {
    for (std::uint64_t round = first_batch; round < batches.size(); ++round) {
      const NetworkRange b = batches[round];
      progress.set_stage("networks " + std::to_string(b.first) + "-" +
                         std::to_string(b.first + b.count - 1) + " of rank " +
                         std::to_string(rank) + " (batch " + std::to_string(round + 1) + "/" +
                         std::to_string(batches.size()) + ")");
      Engine<Exec> engine = make_engine(config, plan, b, settings);
      if (resume && resume->in_batch && round == first_batch)
        engine.restore(resume->state);
      else
        engine.initialize_random();
      const std::uint64_t before = round * static_cast<std::uint64_t>(settings.recorded_steps);
      engine.run(spill, [&](step_t done, step_t) {
        progress.update(before + done, total_events(spill, mine));  // (a resumed run's too)
        const bool interrupted = interrupt_pending() != 0;
        if (!interrupted && !checkpoints.due()) return;
        EngineState state = engine.snapshot();
        checkpoints.write(spill, round, &state, health, interrupted);
        stop_if_interrupted(after(round, done));
      });
      health.append(engine.health());
      // Between batches as due (one after every batch of many small ones had cost more than
      // the batches: fsynced, and growing with the networks done), after the last always.
      if (round + 1 == batches.size() || checkpoints.due_between_batches() ||
          interrupt_pending() != 0)
        checkpoints.write(spill, round + 1, nullptr, health);
      stop_if_interrupted(after(round, settings.recorded_steps));
    }
  });
  change_interrupt_notice("[kascade] interrupted while writing " + config.output + ": " +
                          (options.fresh ? "the command without --fresh" : "the same command") +
                          " writes it from the simulated spikes, which are kept");
  deferred.reset();  // (a signal noted while the ranks waited for each other: acted on now)
  progress.finish(total_events(spill, mine));
  if (options.connectivity_only || options.tune_only)
    health = NetworkHealth{}, health.append_healthy(mine.count);

  // File: every rank has finished simulating; the HDF5 file is assembled collectively from the
  // spill files, marked complete and renamed. A kill before the rename resumes from here.
  std::optional<ScopedInterrupts> done;
  std::optional<Hdf5Output> output;
  fault_file_limit();  // (testing hook: a full disk from here on)
  try {
    output.emplace(describe(config, model, deck_steps, made_by), comm, mine.first, mine.count);
    write_inputs(*output, config, plan, options.round_events);
    if (tuned) output->write_tuning(tuned->datasets, tuned->about);
    copy_spikes(spill, *output, comm, options.round_events);
    output->write_summary(health);
    output->finalize();
    done.emplace(ScopedInterrupts::ignored);  // complete: only the cleanup below is left
    change_interrupt_notice("[kascade] interrupted once " + config.output +
                            " was complete: it is whole");  // (as this function returns)
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {  // (a full disk: what was simulated is not lost)
    output.reset();  // closes and removes the .partial file, unless it is whole (its rename failed)
    if (batches.empty() || !std::filesystem::exists(ckpt_path) ||
        std::filesystem::exists(config.output + ".partial"))
      throw;
    throw std::runtime_error(std::string(e.what()) +
                             "; the simulated spikes are kept: run the same command again to "
                             "write the file from them");
  }
  std::remove(spill.path().c_str());
  std::remove(ckpt_path.c_str());
  std::remove((ckpt_path + ".tmp").c_str());  // left by a kill during a checkpoint write
  if (rank == 0) remove_rank_files_from(config.output, ranks);  // an earlier run's, more ranks
  if (!options.quiet && (options.connectivity_only || options.tune_only)) {
    if (rank == 0)
      std::fprintf(stderr, "[kascade] wrote the networks of %s to %s\n", config.deck_path.c_str(),
                   config.output.c_str());
  } else if (!(options.connectivity_only || options.tune_only)) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report(config, plan, *output, health, seconds, resuming > 0, comm, options.quiet);
  }
}

}  // namespace kascade::app
