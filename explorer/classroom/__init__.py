"""Classroom mode: predict, then see.

A learner predicts what the backward pass will compute before the step-through shows it: for a node, the
gradient it sends to each input; for a leaf, its `.grad` after the pass (gradients from several paths, or from
a second `backward()`, add up); for the descent demo, where the descent with and without `detach()` ends.
Pure modules, no streamlit import:

- `answers`: a typed answer (a Python literal: a number, or nested lists for a small tensor) read with
  `ast.literal_eval` only, after bounds on its length, nesting and size; anything else is refused with a
  one-line message.
- `questions`: the questions a run offers (from its recorded passes) and the descent demo offers, each with
  its expected value and the values a plausible mistake would give.
- `checking`: an answer checked with a tolerance, and a wrong one diagnosed: the chain-rule step that went
  wrong (the incoming gradient, the local derivative, the broadcast sum, the accumulation, the detach).
- `scoring`: the learner's tries per question, and the score (k of n right, how many at the first try).
- `exercises`: the ready exercises built from the lessons, and an exercise's question ids as a link carries them.
"""
