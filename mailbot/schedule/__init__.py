"""The visit schedule: policy profiles, working days, the pure planner, visits and the runner."""
