"""The face: CLI rendering helpers. Thin by rule: parse, call one engine function, render."""
