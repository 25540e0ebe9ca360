"""Engine functions the face calls: each runs tasks over the estate and returns plain data."""
