"""A run's graphs as the user sees them: laid out (`layout`), drawn (`figures`), with a backward pass's
gradients placed on them (`gradients`), and what the Playground shows of a run's graph (`views`)."""
