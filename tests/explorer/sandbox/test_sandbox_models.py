"""What the views get from lessons with models and custom Functions: a model's parameters named by their path
(`model.fc1.weight`) in the graphs, the tensors and the step-through; a custom Function's node as its own
node carrying the class's code; and results that cross from the worker whole."""

from __future__ import annotations

import pytest

from explorer.backward.frames import frames_from_pass
from explorer.sandbox import run_program

MODEL = """import torch
from torch import nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.fc2 = nn.Linear(3, 1)
    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
torch.manual_seed(0)
model = Net()
x = torch.ones(4, 2)
loss = model(x).pow(2).mean()
loss.backward()
"""

FUNCTION = """import torch
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        print("backward runs")
        (x,) = ctx.saved_tensors
        return grad * (x > 0)

x = torch.tensor([-1.0, 2.0, 3.0], requires_grad=True)
y = MyReLU.apply(x)
loss = (y * 2).sum()
loss.backward(retain_graph=True)
"""

PARAMETERS = ["model.fc1.weight", "model.fc1.bias", "model.fc2.weight", "model.fc2.bias"]


@pytest.mark.parametrize("isolated", [False, True])
def test_a_models_parameters_are_named_by_their_path(isolated):
    result = run_program(MODEL, isolated=isolated)
    assert result.error is None
    assert set(PARAMETERS) <= set(result.names.values())
    assert set(PARAMETERS) <= set(result.tensors)
    forward_names = {d.get("name") for d in result.forward_graph.nodes.values()}
    assert set(PARAMETERS) <= forward_names
    leaves = {d.get("tensor_name") for d in result.backward_graph.nodes.values() if d.get("kind") == "accumulate"}
    assert leaves == set(PARAMETERS)
    headings = [frame.lines[0] for frame in frames_from_pass(result.passes[0], names=result.names)]
    accumulated = [h.partition(": ")[2] for h in headings if "AccumulateGrad" in h]
    assert accumulated == [f"AccumulateGrad for {name}" for name in
                           ("model.fc2.bias", "model.fc2.weight", "model.fc1.bias", "model.fc1.weight")]


def test_sequential_and_bare_layers_and_a_variable_of_the_programs_own():
    program = ("import torch\nfrom torch import nn\nnet = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))\n"
               "layer = nn.Linear(1, 1)\nw = layer.weight\nout = layer(net(torch.ones(3, 2))).sum()\nout.backward()\n")
    result = run_program(program, isolated=False)
    names = set(result.names.values())
    assert {"net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "layer.bias", "w"} <= names
    assert "layer.weight" not in names  # the program named it `w` itself


def test_a_custom_functions_node_is_its_own_node_with_the_programs_code():
    result = run_program(FUNCTION, isolated=True)  # the worker path: the result must cross whole
    assert result.error is None
    assert result.forward_graph is not None and result.backward_graph is not None
    nodes = {d.get("name"): d for d in result.backward_graph.nodes.values()}
    node = nodes["MyReLUBackward"]
    assert "def backward(ctx, grad):" in node["source"] and node["source"].lstrip().startswith("class MyReLU")
    # the program's backward ran once, for its own backward call: the Jacobian view never re-runs it
    assert result.text() == "backward runs\n"
    assert result.jacobians == {}


def test_the_step_through_shows_the_programs_backward_as_the_formula():
    result = run_program(FUNCTION, isolated=False)
    frame = next(f for f in frames_from_pass(result.passes[0], names=result.names) if f.name == "MyReLUBackward")
    assert frame.formula_lines == (
        "MyReLU.backward, as the program wrote it:",
        "  def backward(ctx, grad):",
        '      print("backward runs")',
        "      (x,) = ctx.saved_tensors",
        "      return grad * (x > 0)",
        "  returned for input 0: [0., 2., 2.]",
    )
    assert "forward: result = MyReLU.forward(ctx, x)" in frame.lines
