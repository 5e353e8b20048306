#include "kascade/io/values_file.hpp"

#include "common/hdf5_access.hpp"

namespace kascade {

std::vector<double> read_per_network_values(const std::string& file, const std::string& dataset,
                                            const std::size_t count) {
  const detail::Hdf5Quiet quiet;
  const detail::H5Handle f = detail::open_input(file);
  const detail::Array1d values(f, file, dataset, false);
  if (values.size < count)
    detail::input_error(file, "dataset " + dataset + " holds " + std::to_string(values.size) +
                                  " values, fewer than the " + std::to_string(count) +
                                  " networks of the deck");
  return values.read<double>(H5T_NATIVE_DOUBLE, 0, count);
}

}  // namespace kascade
