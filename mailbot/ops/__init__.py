"""Running mailbot as a service: health, metrics, logs, admin alerts, retention, exports."""
