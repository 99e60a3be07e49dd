"""Autograd Explorer: run PyTorch lessons on the engine and see their graphs and backward passes.

One folder per job: sandbox/ (run a program safely), graph/ (lay out and draw a run's graphs), backward/ (step
a backward pass, its Jacobian), descent/ (the descent demo), lessons/ (the presets), text/ (every string in
English and Chinese, values as text), ui/ (the Streamlit app); exports.py writes files, cli.py is
`python -m explorer`. ARCHITECTURE.md draws how a program's text flows through them.
"""
