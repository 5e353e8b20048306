#pragma once
// One failure for every rank: a rank that throws alone leaves the others waiting in the next
// collective call (a hung job instead of a message). Internal to the library.
#include <mpi.h>

#include <limits>
#include <string>

#include "kascade/core/error.hpp"

namespace kascade::detail {

// Collectively: if `failed` on any rank, every rank throws the `message` of the lowest rank where
// it failed (an InputError where that rank's `input`, else std::runtime_error); returns where no
// rank failed.
inline void fail_together(const bool failed, const std::string& message, MPI_Comm comm,
                          const bool input = false) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int mine = failed ? rank : std::numeric_limits<int>::max();
  int first = mine;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == std::numeric_limits<int>::max()) return;
  int header[2] = {static_cast<int>(message.size()), input ? 1 : 0};  // (the first rank's)
  MPI_Bcast(header, 2, MPI_INT, first, comm);
  std::string text = rank == first ? message : std::string();
  text.resize(static_cast<std::size_t>(header[0]));
  MPI_Bcast(text.data(), header[0], MPI_CHAR, first, comm);
  if (header[1]) throw InputError(text);
  throw std::runtime_error(text);
}

}  // namespace kascade::detail
