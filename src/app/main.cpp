// The kascade command line. Exit status: 0 success, 2 bad input (one-line message), 1 other
// failure.
#include <hdf5.h>
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <Kokkos_Core.hpp>
#include <cstdio>

#include "kascade/core/error.hpp"
#include "kascade/core/version.hpp"
#include "kascade/app/run_command.hpp"

namespace {

int report(int rank, int status, const std::string& message) {
  if (rank == 0) std::fprintf(stderr, "kascade: error: %s\n", message.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // kascade reports HDF5 failures itself
  int status = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    CLI::App cli{"kascade: linear-nonlinear cascade spiking network simulator"};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", "kascade " + kascade::version() + " (git " +
                                          kascade::git_revision() + ", Kokkos " +
                                          kascade::kokkos_backend() + ")");
    kascade::app::RunOptions run;
    auto* run_cmd = cli.add_subcommand("run", "simulate the networks of a deck and write one HDF5 file");
    run_cmd->add_option("deck", run.deck, "TOML deck (see docs/input-reference.md)")->required();
    run_cmd->add_option("--set", run.overrides, "override a deck key, e.g. --set simulation.steps=500");
    run_cmd->add_option("-o,--output", run.output, "output file (default: the deck's 'output')");
    run_cmd->add_flag("--overwrite", run.overwrite, "replace an existing output file");
    run_cmd->add_flag("-q,--quiet", run.quiet, "no progress or summary on stderr");
    try {
      cli.parse(argc, argv);
      if (*run_cmd) kascade::app::run_command(run);
    } catch (const CLI::ParseError& e) {
      status = rank == 0 ? cli.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
      if (status != 0) status = 2;
    } catch (const kascade::InputError& e) {
      status = report(rank, 2, e.what());
    } catch (const std::exception& e) {
      status = report(rank, 1, e.what());
    }
  }
  MPI_Finalize();
  return status;
}
