#include "kascade/io/values_file.hpp"

#include <cctype>

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

std::string with_value_sources(const std::string& message,
                               const std::vector<ValueSource>& sources) {
  // Whether the message names `key` itself (model.tau, not model.tau_ref).
  const auto names = [&](const std::string& key) {
    for (auto at = message.find(key); at != std::string::npos; at = message.find(key, at + 1)) {
      const std::size_t end = at + key.size();
      if (end == message.size() ||
          !(std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '_' ||
            message[end] == '.' || message[end] == '['))
        return true;
    }
    return false;
  };
  std::string out = message;
  for (const ValueSource& v : sources)
    if (names(v.key) && message.find(v.source) == std::string::npos)
      out += "; " + v.key + " from " + v.source;
  return out;
}

}  // namespace kascade
