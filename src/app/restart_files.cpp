#include "restart_files.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "kascade/core/error.hpp"
#include "kascade/io/checkpoint.hpp"

namespace kascade::app {

namespace {

// The rank of `name` if it is <prefix><rank>[<suffix>] (rank: decimal digits), else -1.
int rank_of(const std::string& name, const std::string& prefix, const std::string& suffix) {
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  const std::string digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

}  // namespace

std::vector<RankFile> rank_files(const std::string& output) {
  namespace fs = std::filesystem;
  const fs::path out(output);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::string base = out.filename().string();
  std::vector<RankFile> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;  // (a directory of that name is someone else's)
    const std::string name = it->path().filename().string();
    const std::string path = out.has_parent_path() ? (dir / name).string() : name;  // (as given)
    int rank = -1;
    if ((rank = rank_of(name, base + ".ckpt.", "")) >= 0)
      found.push_back({rank, true, path});
    else if ((rank = rank_of(name, base + ".ckpt.", ".tmp")) >= 0)
      found.push_back({rank, true, path, true});
    else if ((rank = rank_of(name, base + ".spill.", "")) >= 0)
      found.push_back({rank, false, path});
  }
  // Only kascade's: a checkpoint begins with its magic (a .tmp may end within it: a write stopped
  // there); a spill file counts where its rank has
  // a checkpoint (without one, a rank's spill file is never resumed from, and left alone).
  std::vector<RankFile> ours;
  for (const RankFile& f : found)
    if (f.checkpoint && looks_like_checkpoint(f.path, f.temporary)) ours.push_back(f);
  for (const RankFile& f : found)
    if (!f.checkpoint && std::any_of(ours.begin(), ours.end(), [&](const RankFile& c) {
          return c.checkpoint && c.rank == f.rank;
        }))
      ours.push_back(f);
  return ours;
}

void remove_rank_files_from(const std::string& output, const int first_rank) {
  // (rank_files lists only files that are kascade's: checkpoints by their first bytes, spill
  // files where their rank has a checkpoint)
  for (const RankFile& f : rank_files(output))
    if (f.rank >= first_rank) std::remove(f.path.c_str());
}

void remove_files_of_run(const std::string& output, const std::uint64_t run) {
  const std::vector<RankFile> files = rank_files(output);
  // The ranks whose whole checkpoint is the run's and no newer than the output (an interrupted
  // `--overwrite` of the same command wrote later ones: it resumes from them).
  std::error_code ec;
  const auto made = std::filesystem::last_write_time(output, ec);
  if (ec) return;
  std::vector<int> ranks;
  for (const RankFile& f : files)
    if (f.checkpoint && !f.temporary && checkpoint_run_hash(f.path) == run &&
        std::filesystem::last_write_time(f.path, ec) <= made && !ec)
      ranks.push_back(f.rank);
  // Spill files and .tmp first, the checkpoint last: stopped in between, what is left is still
  // a checkpoint with its spill file, never a spill file no cleanup would know as kascade's.
  for (const bool checkpoint : {false, true})
    for (const RankFile& f : files)
      if ((f.checkpoint && !f.temporary) == checkpoint &&
          std::find(ranks.begin(), ranks.end(), f.rank) != ranks.end())
        std::remove(f.path.c_str());
}

std::vector<NetworkRange> checkpoint_batches(const Checkpoint& c, const NetworkRange mine,
                                             const std::string& path) {
  std::vector<NetworkRange> batches;
  std::uint64_t first = mine.first;
  for (const std::uint64_t count : c.batch_networks) {
    if (count == 0 || count > mine.first + mine.count - first) break;
    batches.push_back({static_cast<network_id_t>(first), count});
    first += count;
  }
  if (batches.size() != c.batch_networks.size() || first != mine.first + mine.count ||
      c.next_batch > batches.size() || (c.in_batch && c.next_batch == batches.size()))
    throw InputError(path +
                     ": the checkpoint's batches are not this rank's networks (corrupt?); "
                     "remove it, or pass --fresh to start over");
  return batches;
}

}  // namespace kascade::app
