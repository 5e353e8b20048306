#include "kascade/model/cascade_model.hpp"

namespace kascade {

const char* to_string(Nonlinearity f) {
  switch (f) {
    case Nonlinearity::sigmoid: return "sigmoid";
    case Nonlinearity::exponential: return "exponential";
    case Nonlinearity::rectified_linear: return "rectified_linear";
    case Nonlinearity::identity: return "identity";
  }
  return "?";
}

const char* to_string(Emission e) {
  switch (e) {
    case Emission::bernoulli: return "bernoulli";
    case Emission::poisson: return "poisson";
    case Emission::threshold: return "threshold";
  }
  return "?";
}

}  // namespace kascade
