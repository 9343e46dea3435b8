"""The monthly step: a readable NumPy reference kernel and a compiled fast kernel with the same
contract and the same named steps (:mod:`reesim.kernel.steps`)."""
