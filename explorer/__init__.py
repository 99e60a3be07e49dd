"""Autograd Explorer: run PyTorch lessons on the engine and see their graphs and backward passes."""
