#include "kascade/io/stimulus_file.hpp"

#include <hdf5.h>

#include <cmath>

#include "common/hdf5_access.hpp"
#include "common/hdf5_handle.hpp"
#include "kascade/core/error.hpp"

namespace kascade {

using detail::H5Handle;

namespace {

H5Handle open_dataset(const std::string& file, const std::string& dataset, H5Handle& f) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  f = detail::open_input(file);  // (says what is wrong: missing, a directory, not HDF5, held)
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  if (d < 0) throw InputError(file + ": no dataset '" + dataset + "'");
  return H5Handle(d, H5Dclose);
}

}  // namespace

StimulusArrayShape stimulus_array_shape(const std::string& file, const std::string& dataset) {
  H5Handle f;
  H5Handle d = open_dataset(file, dataset, f);
  H5Handle type(H5Dget_type(d), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    throw InputError(file + ": dataset '" + dataset + "' must hold numbers");
  H5Handle space(H5Dget_space(d), H5Sclose);
  hsize_t dims[8];
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 3 && rank != 4)
    throw InputError(file + ": dataset '" + dataset + "' must be [networks][steps][neurons] or " +
                     "[networks][steps][neurons][channels] (it has " + std::to_string(rank) +
                     " dimensions)");
  H5Sget_simple_extent_dims(space, dims, nullptr);
  return {dims[0], dims[1], dims[2], rank == 4 ? dims[3] : 0};
}

std::vector<real_t> read_stimulus_array(const std::string& file, const std::string& dataset,
                                        std::uint64_t network, ordinal_t n_neurons,
                                        const std::vector<double>& channel_weights) {
  const StimulusArrayShape shape = stimulus_array_shape(file, dataset);
  require(
      network < shape.networks && static_cast<std::uint64_t>(n_neurons) <= shape.neurons,
      file + ": dataset '" + dataset + "' has no values for network " + std::to_string(network));
  const std::uint64_t C = shape.channels == 0 ? 1 : shape.channels;
  require(shape.channels == 0 ? channel_weights.empty() : channel_weights.size() == C,
          file + ": dataset '" + dataset + "' has " + std::to_string(shape.channels) +
              " channels; channel_weights must give one weight per channel");
  H5Handle f;
  H5Handle d = open_dataset(file, dataset, f);
  H5Handle space(H5Dget_space(d), H5Sclose);
  const int rank = shape.channels == 0 ? 3 : 4;
  const hsize_t start[4] = {network, 0, 0, 0};
  const hsize_t count[4] = {1, shape.steps, static_cast<hsize_t>(n_neurons), C};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  std::vector<double> raw(shape.steps * static_cast<std::uint64_t>(n_neurons) * C);
  H5Handle mem(H5Screate_simple(rank, count, nullptr), H5Sclose);
  if (!raw.empty() && H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, raw.data()) < 0)
    throw InputError(file + ": cannot read dataset '" + dataset + "'");
  std::vector<real_t> out(shape.steps * static_cast<std::uint64_t>(n_neurons));
  for (std::size_t k = 0; k < out.size(); ++k) {
    double v = 0;
    for (std::uint64_t c = 0; c < C; ++c)
      v += raw[k * C + c] * (shape.channels ? channel_weights[c] : 1.0);
    out[k] = static_cast<real_t>(v);
    if (!std::isfinite(out[k]))  // (also a finite double beyond float: inf in the run)
      throw InputError(file + ": dataset '" + dataset + "' holds a value that is not finite" +
                       (std::isfinite(v) ? " as a float32 number (beyond 3.4e38)" : ""));
  }
  return out;
}

}  // namespace kascade
