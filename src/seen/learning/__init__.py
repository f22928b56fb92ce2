"""The partnership learning dashboard: measures per area over time from the hub's own data, and
what strategic leaders say is happening."""
