"""What `kascade run inputs/quickstart.toml --set simulation.steps=2000` writes, pinned (the
deck's defaults, the generator and the engine together; tests/engine/test_golden_spikes.cpp pins
the engine alone). A deliberate change takes the printed value (docs/reliability.md)."""
import hashlib
import os

import numpy as np

from checks import check

QUICKSTART_ARGS = ("--set", "simulation.steps=2000")
QUICKSTART_DIGEST = "7f7bd3cefd672172"


def check_quickstart_digest(f, label):
    """Compares the open output file f of that run with the pinned digest on the platform the
    value was made on (KASCADE_GOLDEN_PLATFORM, tests/CMakeLists.txt), else prints it."""
    digest = hashlib.sha256()
    for name in ("spikes/step", "spikes/neuron", "connectivity/source", "connectivity/target",
                 "connectivity/weight"):
        digest.update(np.ascontiguousarray(f[name][:]).tobytes())
    got = digest.hexdigest()[:16]
    if os.environ.get("KASCADE_GOLDEN_PLATFORM") == "1":
        check(got == QUICKSTART_DIGEST,
              f"{label}: quickstart's spikes and connectivity are the pinned ones (got {got})")
    else:
        print(f"{label}: quickstart digest {got} (another platform: not compared)")
