"""Data models shared by layers above them (the engine, supervision, the renderers): no I/O, no SSH."""
