"""How many runs the fast kernel simulates side by side (:mod:`reesim.kernel.fast_kernel`).

Every state array of the compiled kernel has one entry per lane on its last axis, and the
innermost loops run over the lanes: the loop over trade partners, the index arithmetic and the
tests on a row are done once for all lanes. The count reaches the kernel as the length of a
tuple, so it is a compile-time constant and each count gets its own compiled kernel, whose
lanes are machine vectors (:mod:`reesim.kernel.vec`). Two counts are used, so two kernels are
compiled (and cached on disk): :data:`LANES` for batches and 1 for a single run.
"""

#: Runs simulated side by side in a batch. Measured on the race scenario over 240 months
#: (400 runs, 2 cores, lanes as vectors): 4 lanes 3.3 ms a run, 8 lanes 2.8 ms, 16 lanes
#: 2.3 ms, 24 lanes 3.2 ms, 32 lanes 2.7 ms; again once the kernel visited only rows that can
#: hold anything: 8 lanes 1.43 ms, 16 lanes 1.27 ms, 32 lanes 1.37 ms.
LANES = 16


def lane_count(runs: int) -> int:
    """Lanes for a call simulating ``runs`` runs: 1 for one run, else :data:`LANES` (a group's
    spare lanes repeat its last run rather than compiling another kernel)."""
    return 1 if runs == 1 else LANES
