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
#include "output_assembly.hpp"
#include "output_lock.hpp"
#include "progress.hpp"
#include "restart_files.hpp"
#include "run_identity.hpp"
#include "run_report.hpp"
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
  // `inputs`: the input files' fingerprint; `locked`: rank 0 holds the output's lock (else it
  // takes it for the cleanup; where the file system has no locks, nothing is removed).
  const auto done_already = [&](const std::uint64_t inputs, const bool locked) {
    int done = rank == 0 && !options.overwrite && !options.dry_run &&
               complete_output_hash(config.output) == made_by;
    MPI_Bcast(&done, 1, MPI_INT, 0, comm);
    if (done && rank == 0) {
      // What a kill right after the rename left of the run that made it (its checkpoints and
      // spill files, its lock file) goes, unless a run of the output is under way.
      try {
        std::optional<OutputLock> own;
        if (!locked) own.emplace(config.output);
        if (locked || own->locked()) remove_files_of_run(config.output, run_hash(config, inputs));
      } catch (const InputError&) {  // (another run holds the lock: its files stay)
      }
      if (!options.quiet)
        std::fprintf(stderr,
                     "[kascade] %s is complete, made by this command (its deck, options, input "
                     "files and build): nothing to do; --overwrite makes it again\n",
                     config.output.c_str());
    }
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
  if (done_already(inputs, false)) return;

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
  if (done_already(inputs, lock->locked())) return;  // (a run of it finished meanwhile)
  if (rank == 0 && !lock->locked())
    std::fprintf(stderr,
                 "[kascade] warning: %s: this file system takes no locks; make sure that no "
                 "other run writes %s meanwhile\n",
                 OutputLock::path_of(config.output).c_str(), config.output.c_str());
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
  });
  // Tuning (deterministic: a resumed run takes the values its checkpoints saved where every
  // rank's has them, else tunes again to the same values), then the steps.
  std::optional<TuneOutcome> tuned;
  if (config.tune && !options.connectivity_only) {
    int saved = resume && !resume->tuned.empty();
    MPI_Allreduce(MPI_IN_PLACE, &saved, 1, MPI_INT, MPI_MIN, comm);  // (shared values: all tune)
    collectively(comm, [&] {
      tuned = saved ? resume_tuning(config, plan, resume->tuned, ckpt_path)
                    : tune_plan(config, plan, batches, comm, rank == 0 && !options.quiet,
                                !options.tune_only);
    });
    if (saved && rank == 0 && !options.quiet)
      std::fprintf(stderr, "[kascade] tuned values from the checkpoints: not tuned again\n");
  }
  if (options.connectivity_only || options.tune_only) batches.clear();  // no steps
  collectively(comm, [&] {  // (after the tuning: a kill during it leaves no spill file)
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
                           config.simulation.checkpoint_every, batches,
                           tuned ? tuned->datasets : std::map<std::string, std::vector<double>>{});
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
      std::string("[kascade] stopping: every rank writes a checkpoint at its next chunk, then "
                  "ends (Ctrl-C again, a second later, ends it at once") +
          (ranks > 1 ? "; Open MPI's mpirun kills its ranks ~1 s after a SIGTERM, so a chunk "
                       "longer than that is lost: stop mpirun with SIGUSR1)"
                     : ")"));
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
  // Rank 0's line ends with its own networks (its rate then its own), and says while it waits.
  WaitNotice wait_notice(rank == 0 && ranks > 1 && !options.quiet && !batches.empty());
  bool simulated = false;  // (a rank whose work failed waits too: no notice then)
  const auto waiting = [&] {
    stop_if_interrupted("once all its networks were simulated");
    if (simulated) wait_notice.tick();
  };
  collectively(comm, waiting, [&] {
    // The tuning kept at once: a kill before the first chunk's checkpoint (checkpoint_every
    // seconds later, or a batch later) resumes without tuning again. A rank without networks
    // writes one too: a resume takes the saved values only where every rank has them. (`kascade
    // tune` keeps no checkpoints: it has no steps to resume.)
    if (tuned && !resume && !options.tune_only) checkpoints.write(spill, 0, nullptr, health);
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
    progress.finish(total_events(spill, mine));
    simulated = true;
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
  // A batch system's warning (SIGUSR1 before its SIGTERM) no longer stops the assembly: the
  // file is finished in a second or so; SIGTERM and Ctrl-C still stop it at once.
  std::optional<ScopedInterrupts> warned(std::in_place, ScopedInterrupts::warnings_ignored);
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
    warned.reset();
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
  if (!output->name_durable()) {  // (an I/O error syncing its directory: keep its sources)
    if (rank == 0)
      std::fprintf(stderr,
                   "[kascade] warning: %s is complete, but its directory could not be synced (an "
                   "I/O error): the spill files and checkpoints it was made from are kept\n",
                   config.output.c_str());
  } else {
    std::remove(spill.path().c_str());
    std::remove(ckpt_path.c_str());
  }
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
