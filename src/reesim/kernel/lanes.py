"""How many runs the fast kernel simulates side by side (:mod:`reesim.kernel.fast_kernel`).

Every state array of the compiled kernel has one entry per lane on its last axis, and the
innermost loops run over the lanes: the loop over trade partners, the index arithmetic and the
tests on a row are done once for all lanes. The count reaches the kernel as the length of a
tuple, so it is a compile-time constant and each count gets its own compiled kernel, whose
lanes are machine vectors (:mod:`reesim.kernel.vec`). One count serves every call, so one
kernel is compiled (and cached on disk): a single run fills one lane of a group and the others
repeat it, which costs about 20 ms for 240 months and saves a second compile of minutes.
"""

#: Runs simulated side by side in a batch. On the race scenario over 240 months (512 runs, one
#: core) 32 lanes took the least time: 0.86x the time of 16 lanes, and 8 lanes 1.27x (the loops
#: over rows, partners and exporters, and their tests, are done once for more runs).
LANES = 32


def lane_count(runs: int) -> int:
    """Lanes for a call simulating ``runs`` runs: always :data:`LANES` (a group's spare lanes
    repeat its last run rather than compiling another kernel)."""
    return LANES
