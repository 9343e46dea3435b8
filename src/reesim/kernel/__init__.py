"""The monthly step: a readable NumPy reference kernel (and, later, a fast kernel with the same contract)."""
