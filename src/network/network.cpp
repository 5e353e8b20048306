#include "kascade/network/network.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "kascade/core/error.hpp"

namespace kascade {

Network Network::from_edges(ordinal_t n_neurons, const std::vector<ordinal_t>& source,
                            const std::vector<ordinal_t>& target, const std::vector<real_t>& w) {
  require(n_neurons >= 0, "network: negative number of neurons");
  require(source.size() == target.size() && source.size() == w.size(),
          "network: edge arrays differ in length");
  Network net;
  net.n_neurons = n_neurons;
  net.row_ptr.assign(static_cast<std::size_t>(n_neurons) + 1, 0);
  for (std::size_t e = 0; e < source.size(); ++e) {
    require(source[e] >= 0 && source[e] < n_neurons && target[e] >= 0 && target[e] < n_neurons,
            "network: edge " + std::to_string(e) + " names a neuron outside 0.." +
                std::to_string(n_neurons - 1));
    ++net.row_ptr[target[e] + 1];
  }
  std::partial_sum(net.row_ptr.begin(), net.row_ptr.end(), net.row_ptr.begin());

  // Stable counting sort by target, then order each row by source.
  std::vector<std::size_t> order(source.size());
  std::vector<offset_t> fill(net.row_ptr.begin(), net.row_ptr.end() - 1);
  for (std::size_t e = 0; e < source.size(); ++e) order[fill[target[e]]++] = e;
  for (ordinal_t i = 0; i < n_neurons; ++i) {
    std::stable_sort(order.begin() + net.row_ptr[i], order.begin() + net.row_ptr[i + 1],
                     [&](std::size_t a, std::size_t b) { return source[a] < source[b]; });
  }
  net.presynaptic.resize(order.size());
  net.weight.resize(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    net.presynaptic[k] = source[order[k]];
    net.weight[k] = w[order[k]];
  }
  return net;
}

}  // namespace kascade
