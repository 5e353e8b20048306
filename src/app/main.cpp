// The kascade command line. Exit status: 0 success, 2 bad input (one-line message), 1 other
// failure.
#include <hdf5.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "interrupt_notice.hpp"
#include "kascade/app/info_command.hpp"
#include "kascade/app/run_command.hpp"
#include "kascade/core/error.hpp"
#include "kascade/core/fault.hpp"
#include "kascade/core/leak_check.hpp"
#include "kascade/core/version.hpp"
#include "kascade/io/export.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "kokkos_options.hpp"
#include "progress.hpp"
#include "rank_placement.hpp"

namespace {

// One line whatever the message quotes from the input: control characters are escaped.
std::string one_line(const std::string& message) {
  std::string out;
  for (unsigned char c : message) {
    if (c == '\n')
      out += "\\n";
    else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A file or directory name given on the command line: an empty one (an unset shell variable) is
// refused rather than taken as "not given".
const CLI::Validator kNonEmpty(
    [](const std::string& value) { return value.empty() ? "must not be empty" : std::string(); },
    "", "non-empty");

// `--set KEY=VALUE`: one value per --set, so that a deck after it stays the deck.
CLI::Option* add_overrides(CLI::App* cmd, std::vector<std::string>& overrides, const char* help) {
  return cmd->add_option("--set", overrides, help)
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// An export stopped by a signal between networks (interrupt_notice.hpp: defer_interrupts).
struct ExportInterrupted {};

int report(int rank, int status, const std::string& message) {
  if (rank == 0) std::fprintf(stderr, "kascade: error: %s\n", one_line(message).c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  kascade::init_mpi(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // kascade reports HDF5 failures itself

  CLI::App cli{"kascade: linear-nonlinear cascade spiking network simulator"};
  cli.footer("Kokkos options, anywhere on the line, go to Kokkos: " +
             kascade::app::usual_kokkos_options() + ", ... (docs/user-guide.md, \"Threads\")");
  cli.require_subcommand(1);
  cli.allow_extras();  // --kokkos-* options go to Kokkos
  cli.set_version_flag("--version", "kascade " + kascade::version() + " (git " +
                                        kascade::git_revision() +
                                        ", Kokkos " KASCADE_KOKKOS_BACKEND ")");
  kascade::app::RunOptions run;
  auto* run_cmd =
      cli.add_subcommand("run", "simulate the networks of a deck and write one HDF5 file");
  run_cmd->allow_extras();
  run_cmd->add_option("deck", run.deck, "TOML deck (see docs/input-reference.md)")->required();
  add_overrides(run_cmd, run.overrides, "override a deck key, e.g. --set simulation.steps=500");
  run_cmd->add_option("-o,--output", run.output, "output file (default: the deck's 'output')")
      ->check(kNonEmpty);
  run_cmd->add_flag("--overwrite", run.overwrite, "replace an existing output file");
  run_cmd->add_flag("--fresh", run.fresh,
                    "start over, ignoring checkpoints of an interrupted run of the same output");
  run_cmd->add_flag("-q,--quiet", run.quiet,
                    "no progress or summary on stderr (warnings still print)");
  run_cmd->add_flag("--no-tune", run.no_tune,
                    "simulate the deck's values as they are, without its [tune] section (e.g. "
                    "with values read from a `kascade tune` file)");
  run_cmd->add_flag("--dry-run", run.dry_run,
                    "check the deck and print the plan (networks per rank, batches, memory, "
                    "output size); simulate nothing");

  // Subcommands that read a deck and write networks without simulating them.
  auto deck_command = [&cli](const char* name, const char* help,
                             kascade::app::RunOptions& options) {
    auto* cmd = cli.add_subcommand(name, help);
    cmd->add_option("deck", options.deck, "TOML deck")->required();
    add_overrides(cmd, options.overrides, "override a deck key");
    cmd->add_option("-o,--output", options.output, "output file (default: the deck's)")
        ->check(kNonEmpty);
    cmd->add_flag("--overwrite", options.overwrite, "replace an existing output file");
    cmd->add_flag("-q,--quiet", options.quiet,
                  "no progress or summary on stderr (warnings still print)");
    return cmd;
  };
  kascade::app::RunOptions generate, tune;
  generate.connectivity_only = true;
  tune.tune_only = true;
  auto* generate_cmd = deck_command(
      "generate",
      "write the deck's networks (connectivity, parameters, stimuli) without simulating", generate);
  auto* tune_cmd = deck_command(
      "tune",
      "tune the parameters of the deck's [tune] section toward its target rates and write the "
      "networks with the tuned values (under /tuning), without simulating",
      tune);

  std::string export_file, export_format = "sonata", export_dir;
  std::int64_t max_neurons = 5000;
  auto* export_cmd = cli.add_subcommand("export", "write an output file in another format");
  export_cmd->add_option("file", export_file, "kascade output file")->required();
  export_cmd
      ->add_option("--format", export_format,
                   "sonata (spikes.h5 and edges.h5; the default), npy (one dense weight "
                   "matrix per network) or raster (one dense neurons x steps spike matrix per "
                   "network)")
      ->check(CLI::IsMember({"sonata", "npy", "raster"}));
  export_cmd->add_option("-o,--output", export_dir, "directory to write into")
      ->required()
      ->check(kNonEmpty);
  export_cmd->add_option("--max-neurons", max_neurons, "npy: largest network to write densely");
  bool export_overwrite = false, export_quiet = false;
  export_cmd->add_flag("--overwrite", export_overwrite,
                       "write into a non-empty directory, replacing files of the same names");
  export_cmd->add_flag("-q,--quiet", export_quiet, "no progress on stderr");

  std::string info_file;
  auto* info_cmd = cli.add_subcommand("info", "summarise an output file");
  info_cmd->add_option("file", info_file, "kascade output file")->required();
  bool info_all = false;
  info_cmd->add_flag("--all", info_all, "list every network (else the first 10)");

  int status = 0;
  bool parsed = false;
  try {
    cli.parse(argc, argv);
    // Extras are allowed only for Kokkos's own options (subcommands inherit allow_extras).
    std::vector<const CLI::App*> apps{&cli};
    for (const CLI::App* sub : cli.get_subcommands()) apps.push_back(sub);  // (those parsed)
    std::vector<std::string> kokkos_options;
    for (const CLI::App* app : apps)
      for (const auto& extra : app->remaining()) {
        if (extra.rfind("--kokkos", 0) != 0) {
          // (first what is wrong with the Kokkos options before it: `--kokkos-threads 4`)
          kascade::app::check_kokkos_options(kokkos_options, nullptr);
          // (`--set a=1 b=2` and `--set key value` leave a word: each --set takes one KEY=VALUE)
          const bool after_set =
              std::find(argv + 1, argv + argc, std::string("--set")) != argv + argc;
          throw kascade::InputError(
              "unknown option or argument '" + extra + "' (" +
              (after_set ? "each --set takes one KEY=VALUE, e.g. --set simulation.steps=500 "
                           "--set networks.count=3; "
                         : "") +
              "see kascade --help)");
        }
        kokkos_options.push_back(extra);
      }
    kascade::app::check_kokkos_options(kokkos_options, std::getenv("OMP_NUM_THREADS"));
    parsed = true;
  } catch (const CLI::Success& e) {  // --help, --version
    status = rank == 0 ? cli.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    status = report(rank, 2, std::string(e.what()) + " (see kascade --help)");
  } catch (const kascade::InputError& e) {
    status = report(rank, 2, e.what());
  }
  if (parsed) {
    // info, export and a dry run run no kernels worth placing: not Kokkos' three-line
    // OMP_PROC_BIND advice (on standard output, where a plan or summary goes).
    if (*info_cmd || *export_cmd || (*run_cmd && run.dry_run))
      ::setenv("OMP_PROC_BIND", "false", 0);
    Kokkos::ScopeGuard kokkos(argc, argv);
    try {
      if ((*run_cmd && !run.dry_run) || *tune_cmd) {  // (collective: every rank runs the same)
        const std::string placement = kascade::app::rank_placement_warning(
            MPI_COMM_WORLD, kascade::kokkos_backend() == "OpenMP");
        if (rank == 0 && !placement.empty()) std::fprintf(stderr, "%s\n", placement.c_str());
      }
      if (*run_cmd) {
        if (rank == 0 && !run.dry_run)       // (also under -q: a batch job's log needs it most)
          kascade::app::print_on_interrupt(  // (run_command changes it as the run moves on)
              "[kascade] interrupted before simulating: the same command starts again (from the "
              "checkpoints of an earlier run of this output, if it left any)");
        kascade::app::run_command(run);
        kascade::app::ignore_interrupts();  // (done: not a notice of what is left to do)
      }
      if ((*generate_cmd || *tune_cmd) && rank == 0)  // (they keep no checkpoints)
        kascade::app::print_on_interrupt(
            "[kascade] interrupted: nothing was written; the same command starts again");
      if (*generate_cmd) kascade::app::run_command(generate);
      if (*tune_cmd) kascade::app::run_command(tune);
      if (*info_cmd && rank == 0) status = kascade::app::info_command(info_file, info_all);
      if (*export_cmd && rank == 0) {
        // Ctrl-C stops it between networks, after its staging folder is removed (unwinding).
        kascade::app::defer_interrupts();
        std::unique_ptr<kascade::app::Progress> bar;  // sized once the file is open
        auto progress = [&](std::uint64_t done, std::uint64_t total) {
          if (kascade::app::interrupt_pending() != 0) throw ExportInterrupted{};
          if (!bar)
            bar = std::make_unique<kascade::app::Progress>("exporting", total, !export_quiet,
                                                           "networks", "");
          bar->update(done, 0);
        };
        kascade::fault_file_limit();  // (testing hook: a full disk from here on)
        kascade::NpyLosses lost;
        if (export_format == "sonata")
          kascade::export_sonata(export_file, export_dir, export_overwrite, progress);
        else if (export_format == "raster")
          kascade::export_raster(export_file, export_dir, export_overwrite, progress);
        else
          lost =
              kascade::export_npy(export_file, export_dir, export_overwrite, max_neurons, progress);
        if (bar) bar->finish(0);
        if (lost.zero_weights + lost.merged > 0)  // (a warning: it is about the data, even -q)
          std::fprintf(stderr,
                       "[kascade] warning: the dense .npy matrices in %s do not hold %llu "
                       "synapses of weight 0 and %llu second synapses of a pair (added into the "
                       "first) of %s; its /connectivity and --format sonata keep them\n",
                       export_dir.c_str(), static_cast<unsigned long long>(lost.zero_weights),
                       static_cast<unsigned long long>(lost.merged), export_file.c_str());
        if (kascade::app::interrupt_pending() != 0)  // (after its last check: it is whole)
          kascade::app::end_as_interrupted(
              "[kascade] interrupted once the export was "
              "complete: " +
              export_dir + " holds all of it");
      }
    } catch (const kascade::InputError& e) {
      status = report(rank, 2, e.what());
    } catch (const std::exception& e) {
      status = report(rank, 1, e.what());
    } catch (const ExportInterrupted&) {  // (its staging folder is gone: unwound)
      kascade::app::end_as_interrupted("[kascade] interrupted: the export wrote nothing into " +
                                       export_dir + " (its partial files are removed)");
    }
  }
  if (kascade::output_left_open()) {  // (its message is out; MPI_Finalize would crash in HDF5)
    std::fflush(nullptr);
    std::_Exit(status);
  }
  kascade::check_leaks_now();  // sanitizer builds: before Open MPI unloads its components
  MPI_Finalize();
  return status;
}
