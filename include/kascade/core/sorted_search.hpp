#pragma once
// Searches over a predicate that is false, then true, along an index range (a sorted array's
// "value >= v"): by halving, or outwards from a guess. Kernels and host code alike.
#include <Kokkos_Macros.hpp>

namespace kascade {

// The first position in [lo, hi) where pred is true, or hi.
template <class Index, class Pred>
KOKKOS_INLINE_FUNCTION Index first_true(Index lo, Index hi, const Pred& pred) {
  while (lo < hi) {
    const Index mid = lo + (hi - lo) / 2;
    if (pred(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

// The same, searched from `from` (in [lo, hi)) outwards in steps of 1, 2, 4, ... and then by
// halving: a few reads near a good guess, O(log distance) at worst, where halving the whole
// range would read a cache line per step of an array nobody has read yet.
template <class Index, class Pred>
KOKKOS_INLINE_FUNCTION Index first_true_near(const Index lo, const Index hi, const Index from,
                                             const Pred& pred) {
  Index step = 1;
  if (pred(from)) {  // backwards: pred(b) true
    Index b = from;
    while (b - lo >= step && pred(b - step)) b -= step, step *= 2;
    return first_true(b - lo >= step ? b - step : lo, b, pred);
  }
  Index a = from;  // forwards: pred(a) false
  while (hi - a > step && !pred(a + step)) a += step, step *= 2;
  return first_true(a + 1, hi - a > step ? a + step : hi, pred);
}

}  // namespace kascade
