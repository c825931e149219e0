"""The fleet view of the reference cloud: Prometheus metrics built from the heartbeats."""
