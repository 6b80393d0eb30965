"""Sample ledgers: a deterministic generator of a realistic Chinese consumer-lending book and
the small sample (sample_data/small/) that the app imports on a fresh checkout.

Use `from sample_data.generate import generate, build_small_sample`. Nothing is re-exported
here: the package's `generate` attribute is the submodule of that name, and importing it from
this file would make `python -m sample_data.generate` load the module twice.
"""
