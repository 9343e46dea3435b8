"""Run scenarios: compile, call a kernel, label the outputs."""
