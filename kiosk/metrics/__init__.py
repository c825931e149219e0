"""The kiosk's Prometheus metrics, written as a node_exporter textfile (docs/metrics.md)."""
