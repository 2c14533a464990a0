#!/usr/bin/python3
"""Writes grad_cases_from_scratch.yaml: PyTorch 1.13's outputs and input gradients for the ops
d2l's "from scratch" chapters use beyond grad_cases.yaml (float / x, maximum, minimum, clamp,
gather, index_select, cat, stack, sum and mean over several dims, permute, unsqueeze, squeeze,
narrow, select), in the minidl-grad-cases/1 format.
Run by hand with Debian's python3-torch: /usr/bin/python3 make_grad_cases_from_scratch.py"""
import os
import torch

torch.manual_seed(20261202)


def fmt(v):
    if v != 0 and abs(v) < 1.2e-38:
        return "0.0"
    return f"{float(v):.9g}" if v == v else ".nan"


def tensor(t, requires_grad=None):
    d = "dtype: int64, " if t.dtype == torch.int64 else ""
    vals = ", ".join(str(int(v)) for v in t.flatten().tolist()) if t.dtype == torch.int64 else \
        ", ".join(fmt(v) for v in t.detach().flatten().tolist())
    rg = "" if requires_grad is None else f", requires_grad: {'true' if requires_grad else 'false'}"
    return f"{{shape: {list(t.shape)}, {d}values: [{vals}]{rg}}}"


cases = []


def case(name, op, attrs, inputs, fn, rtol=1e-5, atol=1e-6):
    leaves = [x.clone().requires_grad_(x.dtype == torch.float32 and rg) for x, rg in inputs]
    out = fn(*leaves)
    g = torch.randn(out.shape)
    out.backward(g)
    lines = [f"  - name: {name}", f"    op: {op}", f"    attrs: {attrs}", "    inputs:"]
    lines += [f"      - {tensor(x, x.requires_grad)}" for x in leaves]
    lines += [f"    output: {tensor(out)}", f"    grad_output: {tensor(g)}", "    grads:"]
    lines += [f"      - {tensor(x.grad) if x.requires_grad else 'null'}" for x in leaves]
    lines += [f"    rtol: {rtol:.1e}", f"    atol: {atol:.1e}"]
    cases.append("\n".join(lines))


r = torch.randn
case("rdiv_scalar", "rdiv", "{value: 1.0}", [(r(3, 4).abs() + 0.5, True)], lambda x: 1.0 / x)
case("rdiv_d2l_sigmoid", "rdiv", "{value: 2.5}", [(1 + torch.exp(-r(2, 5)), True)], lambda x: 2.5 / x)
ties = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
case("maximum_ties_and_broadcast", "maximum", "{}", [(ties, True), (torch.tensor([0.5, 0.25, 2.0]), True)],
     torch.maximum)
case("maximum_relu_from_scratch", "maximum", "{}", [(r(4, 3), True), (torch.zeros(4, 3), False)], torch.maximum)
case("minimum_ties_and_broadcast", "minimum", "{}", [(ties, True), (torch.tensor([[0.5], [0.0]]), True)],
     torch.minimum)
case("minimum_scalar_tensor", "minimum", "{}", [(r(3, 2), True), (torch.tensor(0.1), True)], torch.minimum)
at_bounds = torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0])
case("clamp_at_and_beyond_bounds", "clamp", "{min: -1.0, max: 1.0}", [(at_bounds, True)],
     lambda x: torch.clamp(x, -1.0, 1.0))
case("clamp_random", "clamp", "{min: -0.3, max: 0.6}", [(r(3, 5), True)], lambda x: torch.clamp(x, -0.3, 0.6))
labels = torch.tensor([[2], [0], [1], [2]])
case("gather_label_probabilities", "gather", "{dim: 1}", [(torch.softmax(r(4, 3), 1), True), (labels, False)],
     lambda p, y: torch.gather(p, 1, y))
case("gather_dim0_repeated", "gather", "{dim: 0}",
     [(r(3, 4), True), (torch.tensor([[0, 1, 2, 0], [0, 0, 2, 2]]), False)], lambda x, i: torch.gather(x, 0, i))
case("gather_3d_negative_dim", "gather", "{dim: -1}",
     [(r(2, 3, 4), True), (torch.randint(0, 4, (2, 2, 3)), False)], lambda x, i: torch.gather(x, -1, i))
case("index_select_rows_repeated", "index_select", "{dim: 0}",
     [(r(5, 3), True), (torch.tensor([4, 0, 4, 2, 4]), False)], lambda x, i: torch.index_select(x, 0, i))
case("index_select_columns", "index_select", "{dim: 1}",
     [(r(2, 4, 3), True), (torch.tensor([3, 1]), False)], lambda x, i: torch.index_select(x, 1, i))
case("sum_dims_keepdim", "sum", "{dims: [0, 2, 3], keepdim: true}", [(r(2, 3, 2, 4), True)],
     lambda x: x.sum(dim=(0, 2, 3), keepdim=True))
case("sum_dims_negative", "sum", "{dims: [-1, 0], keepdim: false}", [(r(3, 2, 4), True)],
     lambda x: x.sum(dim=(-1, 0)))
case("mean_dims_batch_norm_statistics", "mean", "{dims: [0, 2, 3], keepdim: true}", [(r(4, 3, 2, 2), True)],
     lambda x: x.mean(dim=(0, 2, 3), keepdim=True))
case("mean_dims_no_keepdim", "mean", "{dims: [1], keepdim: false}", [(r(3, 4), True)],
     lambda x: x.mean(dim=(1,)))

case("cat_two_one_without_grad", "cat", "{dim: 1}", [(r(2, 3), True), (r(2, 2), False)],
     lambda a, b: torch.cat((a, b), dim=1))
case("cat_five_googlenet_branches", "cat", "{dim: 1}",
     [(r(2, 1, 2, 2), True), (r(2, 2, 2, 2), True), (r(2, 1, 2, 2), False), (r(2, 3, 2, 2), True),
      (r(2, 1, 2, 2), True)], lambda *xs: torch.cat(xs, dim=1))
case("cat_rnn_outputs_negative_dim", "cat", "{dim: -2}", [(r(2, 1, 3), True), (r(2, 4, 3), True)],
     lambda a, b: torch.cat((a, b), dim=-2))
case("stack_four", "stack", "{dim: 1}", [(r(2, 3), True) for _ in range(4)], lambda *xs: torch.stack(xs, dim=1))
case("stack_last_dim", "stack", "{dim: -1}", [(r(3), True), (r(3), False)], lambda *xs: torch.stack(xs, dim=-1))

case("permute_nchw_to_nhwc", "permute", "{dims: [0, 2, 3, 1]}", [(r(2, 3, 2, 2), True)],
     lambda x: x.permute(0, 2, 3, 1))
case("permute_negative_dims", "permute", "{dims: [-1, 0, 1]}", [(r(2, 3, 4), True)], lambda x: x.permute(-1, 0, 1))
case("unsqueeze_middle", "unsqueeze", "{dim: 1}", [(r(3, 4), True)], lambda x: x.unsqueeze(1))
case("squeeze_last", "squeeze", "{dim: -1}", [(r(3, 4, 1), True)], lambda x: x.squeeze(-1))
case("narrow_columns", "narrow", "{dim: 1, start: 1, length: 2}", [(r(3, 4), True)], lambda x: x.narrow(1, 1, 2))
case("select_time_step", "select", "{dim: 0, index: 2}", [(r(4, 2, 3), True)], lambda x: x.select(0, 2))
case("select_negative_index", "select", "{dim: -1, index: -1}", [(r(2, 3), True)], lambda x: x.select(-1, -1))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "grad_cases_from_scratch.yaml"), "w") as f:
    f.write("# minidl reference cases: gradients of the ops d2l's from-scratch chapters use.\n")
    f.write(f"# Generated with PyTorch {torch.__version__} (CPU, float32) by make_grad_cases_from_scratch.py.\n")
    f.write("# Format: README.md of this folder; ops and attrs: its table of these cases.\n")
    f.write("format: minidl-grad-cases/1\ncases:\n")
    f.write("\n".join(cases) + "\n")
print(len(cases), "cases")
