#include "kascade/engine/detail/neuron_step.hpp"  // moved; kept for older includes
